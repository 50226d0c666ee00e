"""Storage: the SQLite catalog (documents, chunks, BM25 keyword index) and the Chroma
vector collection, both keyed by the same content-hash chunk ids. The catalog is the
source of truth; Chroma holds only vectors and the metadata that filters need."""
