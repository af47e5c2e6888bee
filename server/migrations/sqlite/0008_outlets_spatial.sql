-- Outlets by position from an R*Tree instead of the B-tree on (dataset, status, lon, lat): a
-- bbox then reads the outlets inside it, not every outlet in its longitude strip. Points are
-- boxes of zero size; the R*Tree stores single-precision bounds rounded outwards, so queries
-- take its candidates and check the exact lon/lat on `outlets` (db::list_outlets).
CREATE VIRTUAL TABLE outlets_rtree USING rtree(id, west, east, south, north);

INSERT INTO outlets_rtree (id, west, east, south, north)
    SELECT id, lon, lon, lat, lat FROM outlets;

-- Kept in step with `outlets` by every writer (import, merchants, staff), without their code.
CREATE TRIGGER outlets_rtree_insert AFTER INSERT ON outlets BEGIN
    INSERT INTO outlets_rtree (id, west, east, south, north)
        VALUES (new.id, new.lon, new.lon, new.lat, new.lat);
END;

CREATE TRIGGER outlets_rtree_update AFTER UPDATE OF id, lon, lat ON outlets BEGIN
    DELETE FROM outlets_rtree WHERE id = old.id;
    INSERT INTO outlets_rtree (id, west, east, south, north)
        VALUES (new.id, new.lon, new.lon, new.lat, new.lat);
END;

CREATE TRIGGER outlets_rtree_delete AFTER DELETE ON outlets BEGIN
    DELETE FROM outlets_rtree WHERE id = old.id;
END;

-- The R*Tree answers every bbox query now; the other filters use outlets_dataset_category.
DROP INDEX outlets_dataset_position;
