-- Outlets by position from a GiST index (core PostgreSQL, no PostGIS) instead of the B-tree on
-- (dataset, status, lon, lat): a bbox then reads the outlets inside it, not every outlet in its
-- longitude strip. db::list_outlets asks with the same expression, `point(lon, lat) <@ box(…)`,
-- and keeps the exact lon/lat bounds as the final word.
CREATE INDEX outlets_position_gist ON outlets USING gist (point(lon, lat));

-- The GiST index answers every bbox query now; the other filters use outlets_dataset_category.
DROP INDEX outlets_dataset_position;
