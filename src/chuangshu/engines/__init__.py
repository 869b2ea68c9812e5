"""Engines: where the compiled logic runs.

``sparql_sql`` compiles SPARQL (rules, entailments, compiled shapes, result queries) to SQL;
``columnar`` runs the city-scale pipeline in DuckDB over that SQL.
"""
