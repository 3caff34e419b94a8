{# image_synth's one table layout, on top of pandas' html_table.tpl (Styler.from_custom_template).
   Extra variables (passed to Styler.to_html): table_class, caption, aria_label, first_header,
   row_classes[i], row_details[i] (HTML of a full-width row below row i), ncols,
   cell_classes[i][j], cell_states[i][j] ("" | "primary" | "complementary"). #}
{% extends "html_table.tpl" %}
{% block table %}
<div class="isx-table-wrap" role="region" tabindex="0" aria-label="{{ aria_label }}">
<table id="T_{{uuid}}" class="{{ table_class }}">
{% if caption %}<caption>{{ caption }}</caption>
{% endif %}
<thead>
{% for r in head %}<tr>{% for c in r %}{% if c.is_visible != False %}{% if "blank" in c.class %}<th scope="col">{{ first_header }}</th>{% else %}<th scope="col"{% if c.attributes %} {{ c.attributes }}{% endif %}>{{ c.display_value }}</th>{% endif %}{% endif %}{% endfor %}</tr>
{% endfor %}</thead>
<tbody>
{% for r in body %}{% set i = loop.index0 %}<tr{% if row_classes[i] %} class="{{ row_classes[i] }}"{% endif %}>{% for c in r %}{% if c.is_visible != False %}{% if c.type == "th" %}<th scope="row">{{ c.display_value }}</th>{% else %}{% set j = loop.index0 - 1 %}<td{% if cell_classes[i][j] %} class="{{ cell_classes[i][j] }}"{% endif %}{% if cell_states[i][j] %} data-hidden="{{ cell_states[i][j] }}"{% endif %}>{{ c.display_value }}</td>{% endif %}{% endif %}{% endfor %}</tr>
{% if row_details[i] %}<tr class="isx-detail"><td colspan="{{ ncols }}">{{ row_details[i] }}</td></tr>
{% endif %}{% endfor %}</tbody>
</table>
</div>
{% endblock table %}
