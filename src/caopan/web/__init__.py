"""The web face: FastAPI routes, Jinja templates and static assets (vendored ECharts)."""
