"""The report bundle: the frame (summary: tiles, findings, appendices), index.html, tables.xlsx, PDF."""
