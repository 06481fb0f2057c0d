"""Reports: what caopan renders for people (HTML pages, workbooks), from plain result data."""
