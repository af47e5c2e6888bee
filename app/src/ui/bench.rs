//! `window.bianminWalkBench(runs)`: times the walking queries in this browser with
//! `performance.now()`, from the current origin, for the browser benchmark test.

use super::api::now_ms;
use super::leaflet_ext::object;
use super::walking::{limit_m, LoadStats, WalkNet};
use crate::walk::Snap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What a benchmark needs besides the network: read when it runs.
pub struct BenchInput {
    pub origin: Option<(Snap, [f64; 2])>,
    pub speed_mps: f32,
    pub buffer_m: f64,
    pub minute_choices: Vec<u32>,
    /// The app's last full query (all outlets, all rings), in ms.
    pub last_query_ms: f64,
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Runs `f` `runs` times; per-run times, and the mean from the total (finer than the timer's
/// resolution, which browsers coarsen to 0.1 ms or so).
fn time(runs: usize, mut f: impl FnMut()) -> (Vec<f64>, f64) {
    let mut times = Vec::with_capacity(runs);
    let start = now_ms();
    for _ in 0..runs {
        let t = now_ms();
        f();
        times.push(now_ms() - t);
    }
    let mean = (now_ms() - start) / runs.max(1) as f64;
    (times, mean)
}

fn round3(x: f64) -> JsValue {
    ((x * 1000.0).round() / 1000.0).into()
}

fn run(net: &WalkNet, input: &BenchInput, runs: usize) -> Result<JsValue, String> {
    let (origin, lonlat) = input.origin.ok_or("no walking origin yet")?;
    let mut choices = input.minute_choices.clone();
    choices.sort_unstable();
    let largest = *choices.last().ok_or("no minute choices")?;
    let limit = limit_m(largest, input.speed_mps);
    let limits: Vec<f32> = choices
        .iter()
        .map(|&m| limit_m(m, input.speed_mps))
        .collect();
    // One warm-up of each, so the first run does not pay for growing the buffers.
    let reached = net.bench_search(&origin, limit);
    let vertices = net.bench_isochrone(&origin, &[limit], input.buffer_m);
    net.bench_isochrone(&origin, &limits, input.buffer_m);

    let (mut iso, iso_mean) = time(runs, || {
        net.bench_isochrone(&origin, &[limit], input.buffer_m);
    });
    let (mut search, search_mean) = time(runs, || {
        net.bench_search(&origin, limit);
    });
    let (mut rings3, rings3_mean) = time(runs, || {
        net.bench_isochrone(&origin, &limits, input.buffer_m);
    });
    // The load again, warm: median of a few.
    let loads: Vec<[f64; 3]> = (0..runs.clamp(1, 20))
        .map(|_| net.bench_load(now_ms))
        .collect();
    let warm = |i: usize| median(&mut loads.iter().map(|l| l[i]).collect::<Vec<_>>());
    let (warm_decode, warm_index, warm_snaps) = (warm(0), warm(1), warm(2));
    let LoadStats {
        graph_bytes,
        wire_bytes,
        fetch_ms,
        ready_ms,
        decode_ms,
        index_ms,
        snaps_ms,
    } = net.stats;
    Ok(object(&[
        ("runs", (runs as f64).into()),
        ("minutes", largest.into()),
        ("limit_m", round3(limit as f64)),
        (
            "origin",
            js_sys::Array::of2(&lonlat[0].into(), &lonlat[1].into()).into(),
        ),
        ("nodes", (net.graph.node_count() as f64).into()),
        ("edges", (net.graph.edge_count() as f64).into()),
        ("reached_nodes", (reached as f64).into()),
        ("ring_vertices", (vertices as f64).into()),
        ("graph_bytes", (graph_bytes as f64).into()),
        (
            "graph_wire_bytes",
            wire_bytes.map_or(JsValue::NULL, JsValue::from),
        ),
        ("graph_fetch_ms", round3(fetch_ms)),
        ("graph_ready_ms", round3(ready_ms)),
        ("graph_decode_ms", round3(decode_ms)),
        ("snap_index_ms", round3(index_ms)),
        ("outlet_snaps_ms", round3(snaps_ms)),
        (
            "graph_ready_warm_ms",
            round3(warm_decode + warm_index + warm_snaps),
        ),
        ("graph_decode_warm_ms", round3(warm_decode)),
        ("snap_index_warm_ms", round3(warm_index)),
        ("outlet_snaps_warm_ms", round3(warm_snaps)),
        (
            "outlets_snapped",
            (net.outlet_snaps.iter().flatten().count() as f64).into(),
        ),
        ("outlets", (net.outlet_snaps.len() as f64).into()),
        ("isochrone_ms_median", round3(median(&mut iso))),
        ("isochrone_ms_min", round3(min(&iso))),
        ("isochrone_ms_mean", round3(iso_mean)),
        ("search_ms_median", round3(median(&mut search))),
        ("search_ms_min", round3(min(&search))),
        ("search_ms_mean", round3(search_mean)),
        ("rings3_ms_median", round3(median(&mut rings3))),
        ("rings3_ms_min", round3(min(&rings3))),
        ("rings3_ms_mean", round3(rings3_mean)),
        ("app_query_ms", round3(input.last_query_ms)),
    ]))
}

/// Sets `window.bianminWalkBench`. It returns the figures, or throws a message when the
/// walking network or the origin is not ready.
pub fn install(net: Rc<WalkNet>, input: impl Fn() -> BenchInput + 'static) {
    let f = Closure::<dyn Fn(JsValue) -> Result<JsValue, JsValue>>::new(move |runs: JsValue| {
        let runs = runs.as_f64().unwrap_or(100.0).clamp(1.0, 10_000.0) as usize;
        run(&net, &input(), runs).map_err(|e| JsValue::from_str(&e))
    });
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"bianminWalkBench".into(), f.as_ref());
    }
    // Lives as long as the page.
    f.forget();
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }
}
