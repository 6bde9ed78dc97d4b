"""Live events: a broker (in-process, or Redis pub/sub across processes) feeding SSE streams."""
