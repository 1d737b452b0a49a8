"""The report bundle: the frame (`summary`: tiles, findings, appendices), index.html (`html`),
tables.xlsx (`xlsx`), report.pdf (`pdf`), kpis.json (`kpis_json`), their assembly (`bundle`), the
frame's texts (`texts`) and the page template (``templates/``)."""
