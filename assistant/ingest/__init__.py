"""The ingest stage: files and folders in, an indexed corpus out.

`load` turns one file into a `Document` (extracted text, title, metadata, page or row
offsets; `tables` does this for CSV/JSON tables), `chunk` cuts a Document into Chunks
carrying character offsets into that text, and `index` drives the whole run
incrementally, skipping files whose bytes have not changed.
"""
