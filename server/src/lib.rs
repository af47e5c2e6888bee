//! 一刻钟便民生活圈 server: storage, datasets, the OSM importer, the sample generator, the walking
//! network and the HTTP API. `main.rs` is the command line around it; benchmarks use it too.

pub mod api;
pub mod dataset;
pub mod db;
pub mod error;
pub mod import;
pub mod params;
pub mod sample;
pub mod seed;
pub mod streets;
pub mod walk_api;
pub mod walkbench;
pub mod walking;
