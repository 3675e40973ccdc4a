"""Files in and reports out: CSV/XLSX readers, imports, exports, text tables."""
