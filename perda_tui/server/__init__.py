"""Reference data server: Starlette gateway, S3 storage (embedded moto or any endpoint),
SQLite metadata and the sample-log generator. Never imports Textual.

Start one with `perda_tui.server.runner.start_data_server`.
"""
