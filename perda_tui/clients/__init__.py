"""Client libraries: data server, Scrutiny and DRMS. None of them imports Textual."""
