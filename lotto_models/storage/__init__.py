"""Storage: the schema and its migrations, the engine, the draw store and the prediction book."""
