//! Fills a dataset's outlets the first time the server meets it: OSM POIs when the dataset has
//! `pois.geojson`, otherwise the deterministic sample set.

use crate::dataset::Dataset;
use crate::db::{self, Db};
use crate::import::import_file;
use crate::sample;
use app::domain::{Outlet, Rules};

/// A stable seed per dataset name (FNV-1a), so each dataset's sample set never changes.
pub fn sample_seed(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What a dataset starts with: its OSM POIs, or the sample set. Returns the kind ("osm" or
/// "sample"), the outlets and a summary for people.
pub fn initial_outlets(
    dataset: &Dataset,
    rules: &Rules,
    quiet: bool,
) -> Result<(&'static str, Vec<Outlet>, String), String> {
    Ok(match dataset.pois_path() {
        Some(path) => {
            if !quiet {
                eprintln!("importing OpenStreetMap POIs from {} …", path.display());
            }
            let report = import_file(&path, rules, quiet)?;
            let summary = report.summary(rules);
            ("osm", report.outlets, summary)
        }
        None => {
            let circle = dataset.circles.first().ok_or("dataset has no circle")?;
            let outlets = sample::generate(
                rules,
                &dataset.streets,
                circle.bbox,
                sample_seed(&dataset.name),
            );
            let summary = format!(
                "{} sample outlets (示例数据) generated along the streets of '{}', {} categories",
                outlets.len(),
                circle.name_zh,
                rules.categories.len()
            );
            ("sample", outlets, summary)
        }
    })
}

/// Loads the dataset's outlets unless an earlier start already did. Returns what it did.
pub async fn ensure_loaded(
    db: &Db,
    dataset: &Dataset,
    rules: &Rules,
    quiet: bool,
) -> Result<String, String> {
    if let Some((kind, at)) = db::dataset_load(db, &dataset.name)
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(format!(
            "dataset '{}' already loaded ({kind}, {at})",
            dataset.name
        ));
    }
    let (kind, outlets, summary) = initial_outlets(dataset, rules, quiet)?;
    let Some(counts) = db::load_dataset(db, &dataset.name, kind, &outlets, &summary)
        .await
        .map_err(|e| format!("cannot store the outlets of '{}': {e}", dataset.name))?
    else {
        return Ok(format!(
            "dataset '{}' loaded by another server sharing the database",
            dataset.name
        ));
    };
    Ok(format!(
        "dataset '{}': {} outlets stored\n{summary}",
        dataset.name,
        counts.inserted + counts.updated
    ))
}
