"""The web UI: server-rendered pages over the same queries as the API, with vendored static assets."""
