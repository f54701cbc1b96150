"""Importers: turn registry downloads into curated-format YAML records under data/imported/.

``python -m graph import ctgov PATH...`` reads ClinicalTrials.gov API v2 JSON and legacy
XML; ``python -m graph import drugsfda PATH...`` reads openFDA drugsfda JSON and the raw
Drugs@FDA tables. The stages, one module each:

- reading: `inputs` (files, folders, zips), `ctgov` / `ctgov_json` / `ctgov_xml` and
  `drugsfda`, into typed records (`ctgov_records`, `drugsfda_records`);
- mapping: `ctgov_map` and `drugsfda_map` turn them into graph records, matched against
  what the data holds (`matching`, `parties`, `publications`);
- planning: `plan` (units and shared records), `merge` (with earlier imports, never
  overwriting curated facts), `yamlout` (deterministic YAML);
- writing: `writer` (validate first, then replace all files or none);
- running: `run` (the loop that rejects a record the validator blames on it), `summary`,
  `progress`, and `cli` (the ``import`` subcommand);
- syncing: `sync` (``python -m graph sync``, with `sync_cli`) pages through the registries'
  APIs (`sync_sources`) with a polite client (`registry_client`), keeps where each query
  stopped (`sync_state`), and runs the import above; `recorded` adds what an import or a
  sync changed to the data's history.
"""
