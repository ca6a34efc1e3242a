"""`oneid report`: one self-contained offline HTML file of charts about the night."""
