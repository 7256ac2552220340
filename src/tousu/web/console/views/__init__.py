"""Console views, one module per page. Each validates, calls one service or query, renders."""
