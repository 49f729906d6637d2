-- The window's raw files, read once: pruned to the partitions that overlap the window, identity
-- columns checked per file, optional columns filled with NULL. No cleaning here.
{{ raw_samples_scan() }}
