{# no per-table <style>: the page CSS styles every table #}
