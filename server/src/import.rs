//! The OpenStreetMap importer: GeoJSON whose features carry OSM tags (as properties, as Overpass
//! and osmtogeojson export them, or under `osm_tags`/`tags`) and `.osm.pbf` extracts. Tags are
//! mapped by `app::domain::osm`; what cannot be mapped is skipped and counted by reason.

use app::domain::osm::{is_poi, outlet_from_tags};
use app::domain::{Outlet, Rules};
use osmpbf::{Element, ElementReader};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// The outcome of reading one file: the outlets, and what was skipped and why.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub outlets: Vec<Outlet>,
    /// Features read (candidates only, for `.osm.pbf`: elements with a shop/amenity/… tag).
    pub features: usize,
    pub skipped: BTreeMap<String, usize>,
}

impl ImportReport {
    fn skip(&mut self, reason: impl ToString) {
        *self.skipped.entry(reason.to_string()).or_insert(0) += 1;
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }

    pub fn per_category(&self) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for o in &self.outlets {
            *counts.entry(o.category.as_str()).or_insert(0) += 1;
        }
        counts
    }

    /// A human summary: counts per category (with Chinese names) and skip reasons, most first.
    pub fn summary(&self, rules: &Rules) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} features read: {} outlets, {} skipped",
            self.features,
            self.outlets.len(),
            self.skipped_total()
        );
        for (code, n) in self.per_category() {
            let name = rules.category(code).map_or("", |c| c.name_zh.as_str());
            let _ = writeln!(s, "  {n:>5}  {code} {name}");
        }
        let mut reasons: Vec<_> = self.skipped.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if !reasons.is_empty() {
            let _ = writeln!(s, "skipped, by reason:");
        }
        for (reason, n) in reasons.iter().take(25) {
            let _ = writeln!(s, "  {n:>5}  {reason}");
        }
        if reasons.len() > 25 {
            let rest: usize = reasons[25..].iter().map(|(_, n)| **n).sum();
            let _ = writeln!(s, "  {rest:>5}  ({} other reasons)", reasons.len() - 25);
        }
        s
    }
}

/// Progress on stderr for long reads: a line every `every` items.
pub struct Progress {
    label: &'static str,
    every: usize,
    quiet: bool,
}

impl Progress {
    pub fn new(label: &'static str, quiet: bool) -> Self {
        Progress {
            label,
            every: 2000,
            quiet,
        }
    }
    fn tick(&self, n: usize) {
        if !self.quiet && n > 0 && n.is_multiple_of(self.every) {
            eprintln!("  {}: {n}…", self.label);
        }
    }
}

/// Reads a file by its extension: `.geojson`/`.json` or `.osm.pbf`/`.pbf`.
pub fn import_file(path: &Path, rules: &Rules, quiet: bool) -> Result<ImportReport, String> {
    let name = path.to_string_lossy();
    let report = if name.ends_with(".pbf") {
        import_pbf(path, &Progress::new("OSM elements read", quiet))?
    } else if name.ends_with(".geojson") || name.ends_with(".json") {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        import_geojson(&bytes, &Progress::new("features read", quiet))?
    } else {
        return Err(format!(
            "{name}: unknown file type; expected .geojson, .json or .osm.pbf"
        ));
    };
    Ok(keep_valid(report, rules))
}

/// Drops outlets the rules reject (a city's rules may lack a category the mapping knows).
fn keep_valid(mut report: ImportReport, rules: &Rules) -> ImportReport {
    let outlets = std::mem::take(&mut report.outlets);
    for o in outlets {
        match o.validate(rules) {
            Ok(()) => report.outlets.push(o),
            Err(e) => report.skip(format!("rejected by the rules file: {e}")),
        }
    }
    report
}

fn string_map(v: &Value) -> Option<BTreeMap<String, String>> {
    let obj = v.as_object()?;
    Some(
        obj.iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k.clone(), s.clone())),
                Value::Number(n) => Some((k.clone(), n.to_string())),
                _ => None,
            })
            .collect(),
    )
}

/// "node/123" from the feature id (osmtogeojson), `@id`, or `osm_type` + `osm_id` (our files).
fn osm_ref(feature: &Value) -> Option<String> {
    let props = feature.get("properties");
    let from_pair = || {
        let p = props?;
        let t = p.get("osm_type")?.as_str()?;
        let id = p.get("osm_id")?;
        Some(format!(
            "{t}/{}",
            id.as_i64()
                .map_or_else(|| id.as_str().unwrap_or("").to_string(), |n| n.to_string())
        ))
    };
    let id_like = |v: Option<&Value>| {
        let s = v?.as_str()?;
        let (t, n) = s.split_once('/')?;
        (matches!(t, "node" | "way" | "relation") && n.parse::<i64>().is_ok())
            .then(|| s.to_string())
    };
    from_pair()
        .or_else(|| id_like(feature.get("id")))
        .or_else(|| id_like(props.and_then(|p| p.get("@id"))))
}

/// A representative point: the point itself, or the mean of a shape's vertices (shops mapped
/// as building outlines are small, so this stays inside them).
fn representative_point(geometry: &Value) -> Option<[f64; 2]> {
    fn collect(v: &Value, out: &mut Vec<[f64; 2]>) {
        if let Some(arr) = v.as_array() {
            if arr.len() >= 2 && arr[0].is_number() && arr[1].is_number() {
                out.push([
                    arr[0].as_f64().unwrap_or(f64::NAN),
                    arr[1].as_f64().unwrap_or(f64::NAN),
                ]);
            } else {
                arr.iter().for_each(|x| collect(x, out));
            }
        }
    }
    let mut pts = Vec::new();
    collect(geometry.get("coordinates")?, &mut pts);
    if pts.is_empty() || pts.iter().any(|p| !p[0].is_finite() || !p[1].is_finite()) {
        return None;
    }
    let n = pts.len() as f64;
    let sum = pts
        .iter()
        .fold([0.0, 0.0], |s, p| [s[0] + p[0], s[1] + p[1]]);
    Some([sum[0] / n, sum[1] / n])
}

pub fn import_geojson(bytes: &[u8], progress: &Progress) -> Result<ImportReport, String> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    let features = doc
        .get("features")
        .and_then(Value::as_array)
        .ok_or("not a GeoJSON FeatureCollection (no \"features\" array)")?;
    let mut report = ImportReport::default();
    for feature in features {
        report.features += 1;
        progress.tick(report.features);
        let props = feature.get("properties").unwrap_or(&Value::Null);
        let tags = props
            .get("osm_tags")
            .or_else(|| props.get("tags"))
            .and_then(string_map)
            .or_else(|| string_map(props))
            .unwrap_or_default();
        let Some(point) = feature.get("geometry").and_then(representative_point) else {
            report.skip("no usable geometry");
            continue;
        };
        match outlet_from_tags(&tags, point[0], point[1], osm_ref(feature)) {
            Ok(o) => report.outlets.push(o),
            Err(skip) => report.skip(skip),
        }
    }
    Ok(report)
}

/// Two passes over the extract: POI nodes and the outlines of POI ways first, then the
/// positions of those ways' nodes (only those, so a city extract does not fill memory).
pub fn import_pbf(path: &Path, progress: &Progress) -> Result<ImportReport, String> {
    let name = path.display().to_string();
    let open = || ElementReader::from_path(path).map_err(|e| format!("cannot open {name}: {e}"));
    let mut report = ImportReport::default();
    let mut ways: Vec<(i64, BTreeMap<String, String>, Vec<i64>)> = Vec::new();
    let mut elements = 0usize;
    open()?
        .for_each(|element| {
            elements += 1;
            progress.tick(elements);
            let (kind, id, tags, lonlat, refs): (&str, i64, BTreeMap<String, String>, _, _) =
                match element {
                    Element::Node(n) => (
                        "node",
                        n.id(),
                        tag_map(n.tags()),
                        Some([n.lon(), n.lat()]),
                        vec![],
                    ),
                    Element::DenseNode(n) => (
                        "node",
                        n.id(),
                        tag_map(n.tags()),
                        Some([n.lon(), n.lat()]),
                        vec![],
                    ),
                    Element::Way(w) => ("way", w.id(), tag_map(w.tags()), None, w.refs().collect()),
                    Element::Relation(r) => ("relation", r.id(), tag_map(r.tags()), None, vec![]),
                };
            if !is_poi(&tags) {
                return;
            }
            report.features += 1;
            match (kind, lonlat) {
                ("node", Some(p)) => {
                    match outlet_from_tags(&tags, p[0], p[1], Some(format!("node/{id}"))) {
                        Ok(o) => report.outlets.push(o),
                        Err(skip) => report.skip(skip),
                    }
                }
                ("way", _) => ways.push((id, tags, refs)),
                _ => report.skip("relation: outlines of relations are not read"),
            }
        })
        .map_err(|e| format!("{name}: broken OSM PBF data: {e}"))?;

    // Map the ways' tags first: only the mapped ones need node positions.
    let mut pending = Vec::new();
    for (id, tags, refs) in ways {
        match outlet_from_tags(&tags, 0.0, 0.0, Some(format!("way/{id}"))) {
            Ok(o) => pending.push((o, refs)),
            Err(skip) => report.skip(skip),
        }
    }
    let wanted: HashSet<i64> = pending
        .iter()
        .flat_map(|(_, refs)| refs.iter().copied())
        .collect();
    let mut positions: HashMap<i64, [f64; 2]> = HashMap::with_capacity(wanted.len());
    if !wanted.is_empty() {
        open()?
            .for_each(|element| {
                let (id, p) = match element {
                    Element::Node(n) => (n.id(), [n.lon(), n.lat()]),
                    Element::DenseNode(n) => (n.id(), [n.lon(), n.lat()]),
                    _ => return,
                };
                if wanted.contains(&id) {
                    positions.insert(id, p);
                }
            })
            .map_err(|e| format!("{name}: broken OSM PBF data: {e}"))?;
    }
    for (mut outlet, refs) in pending {
        // A closed way repeats its first node; count each vertex once.
        let unique: HashSet<i64> = refs.iter().copied().collect();
        let pts: Vec<[f64; 2]> = unique
            .iter()
            .filter_map(|r| positions.get(r).copied())
            .collect();
        if pts.is_empty() {
            report.skip("way: none of its nodes are in the extract");
            continue;
        }
        let n = pts.len() as f64;
        outlet.lon = pts.iter().map(|p| p[0]).sum::<f64>() / n;
        outlet.lat = pts.iter().map(|p| p[1]).sum::<f64>() / n;
        report.outlets.push(outlet);
    }
    Ok(report)
}

fn tag_map<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, String> {
    tags.map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::default_data_dir;

    fn helsinki(file: &str) -> ImportReport {
        import_file(
            &default_data_dir().join("helsinki").join(file),
            &Rules::bundled(),
            true,
        )
        .unwrap()
    }

    #[test]
    fn helsinki_geojson_maps_real_pois() {
        let r = helsinki("pois.geojson");
        assert_eq!(r.features, 1369);
        assert_eq!(
            r.outlets.len() + r.skipped_total(),
            r.features,
            "every feature is counted once"
        );
        let per = r.per_category();
        // Counted by hand from the extract's tags (shop=medical_supply is not a 药店, and
        // confectionery is not 早餐: the mapping does not guess).
        assert_eq!(per["convenience"], 24, "{per:?}");
        assert_eq!(per["pharmacy"], 6, "{per:?}");
        assert_eq!(per["repair"], 7, "{per:?}");
        assert_eq!(per["hairdresser"], 66, "{per:?}");
        assert_eq!(per["wet_market"], 2, "{per:?}");
        assert_eq!(r.outlets.len(), 655);
        assert!(
            r.skipped.keys().any(|k| k.contains("tourism=hotel")),
            "{:?}",
            r.skipped
        );
        let shoe = r
            .outlets
            .iter()
            .find(|o| o.repair_kinds.contains(&"shoe".to_string()))
            .unwrap();
        assert!(
            shoe.osm_ref.as_deref().unwrap().starts_with("node/")
                || shoe.osm_ref.as_deref().unwrap().starts_with("way/")
        );
        assert!(
            r.outlets
                .iter()
                .filter(|o| o.opening_hours.is_some())
                .count()
                > 100
        );
        assert!(r.outlets.iter().filter(|o| o.phone.is_some()).count() > 50);
        assert!(r.outlets.iter().all(|o| o.osm_ref.is_some()));
    }

    #[test]
    fn helsinki_pbf_agrees_with_the_geojson_made_from_it() {
        let from_pbf = helsinki("helsinki.osm.pbf");
        let from_geojson = helsinki("pois.geojson");
        let refs = |r: &ImportReport| -> BTreeMap<String, String> {
            r.outlets
                .iter()
                .map(|o| (o.osm_ref.clone().unwrap(), o.category.clone()))
                .collect()
        };
        let (a, b) = (refs(&from_pbf), refs(&from_geojson));
        // Same OSM objects, same categories, for every outlet both files contain.
        let common: Vec<_> = b.keys().filter(|k| a.contains_key(*k)).collect();
        assert!(
            common.len() as f64 >= 0.95 * b.len() as f64,
            "{} of {}",
            common.len(),
            b.len()
        );
        for k in common {
            assert_eq!(a[k], b[k], "{k}");
        }
        // Positions agree too (ways: our vertex mean vs the file's representative point).
        let pos: HashMap<_, _> = from_geojson
            .outlets
            .iter()
            .map(|o| (o.osm_ref.clone().unwrap(), (o.lon, o.lat)))
            .collect();
        for o in from_pbf
            .outlets
            .iter()
            .filter(|o| o.osm_ref.as_deref().unwrap().starts_with("node/"))
        {
            if let Some((lon, lat)) = pos.get(o.osm_ref.as_ref().unwrap()) {
                assert!((o.lon - lon).abs() < 1e-6 && (o.lat - lat).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn overpass_style_properties_are_read_as_tags() {
        let doc = br#"{"type":"FeatureCollection","features":[
          {"type":"Feature","id":"node/1","properties":{"shop":"convenience","name":"A","@id":"node/1"},
           "geometry":{"type":"Point","coordinates":[121.44,31.24]}},
          {"type":"Feature","id":"way/2","properties":{"craft":"shoemaker"},
           "geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2]]]}},
          {"type":"Feature","properties":{"shop":"clothes"},"geometry":{"type":"Point","coordinates":[1,1]}},
          {"type":"Feature","properties":{"shop":"bakery"},"geometry":null}
        ]}"#;
        let r = import_geojson(doc, &Progress::new("t", true)).unwrap();
        assert_eq!(r.outlets.len(), 2);
        assert_eq!(r.outlets[0].osm_ref.as_deref(), Some("node/1"));
        assert_eq!(r.outlets[1].osm_ref.as_deref(), Some("way/2"));
        assert_eq!((r.outlets[1].lon, r.outlets[1].lat), (1.0, 1.0));
        assert_eq!(r.skipped.get("no category for shop=clothes"), Some(&1));
        assert_eq!(r.skipped.get("no usable geometry"), Some(&1));
    }

    #[test]
    fn broken_input_is_a_clear_error() {
        let p = Progress::new("t", true);
        assert!(import_geojson(b"{not json", &p)
            .unwrap_err()
            .contains("not valid JSON"));
        assert!(import_geojson(b"{\"type\":\"Feature\"}", &p)
            .unwrap_err()
            .contains("FeatureCollection"));
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("x.osm.pbf");
        std::fs::write(&bad, b"this is not a pbf").unwrap();
        assert!(import_pbf(&bad, &p).is_err());
        assert!(
            import_file(&dir.path().join("x.csv"), &Rules::bundled(), true)
                .unwrap_err()
                .contains("unknown file type")
        );
    }
}
