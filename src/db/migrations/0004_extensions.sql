-- Trigram similarity for finding people whose names are spelt differently. A trusted
-- extension: a database owner can create it without being a superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
