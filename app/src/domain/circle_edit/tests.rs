use super::*;
use crate::domain::rules::DEFAULT_RULES_TOML;

fn rules() -> CircleRules {
    CircleRules::bundled()
}

/// A square of `side` degrees at Shanghai's latitude, closed.
fn square(side: f64) -> Vec<[f64; 2]> {
    let (x, y) = (121.44, 31.24);
    vec![
        [x, y],
        [x + side, y],
        [x + side, y + side],
        [x, y + side],
        [x, y],
    ]
}

#[test]
fn the_bundled_table_reads() {
    let r = rules();
    assert_eq!(r.min_street_nodes, 10);
    assert!(r.min_area_km2 < r.max_area_km2);
    assert_eq!(r.max_vertices, 200);
}

#[test]
fn a_square_passes_with_its_area() {
    // 0.01° × 0.01° at 31.24° N: 1.11 km × 0.95 km.
    let s = check_boundary(&square(0.01), &rules()).unwrap();
    assert_eq!(s.vertices, 4);
    assert!((s.area_km2 - 1.056).abs() < 0.02, "{}", s.area_km2);
    assert_eq!(s.ring.first(), s.ring.last());
    assert_eq!(s.ring.len(), 5);
}

#[test]
fn double_taps_are_dropped_not_refused() {
    let mut ring = square(0.01);
    ring.insert(1, ring[0]);
    ring.insert(3, ring[2]);
    ring.insert(ring.len() - 1, ring[0]);
    let s = check_boundary(&ring, &rules()).unwrap();
    assert_eq!(s.vertices, 4);
    assert_eq!(s.ring, square(0.01));
}

#[test]
fn an_open_ring_is_refused() {
    let mut ring = square(0.01);
    ring.pop();
    assert_eq!(
        check_boundary(&ring, &rules()),
        Err(ShapeProblem::NotClosed)
    );
    assert_eq!(check_boundary(&[], &rules()), Err(ShapeProblem::NotClosed));
}

#[test]
fn two_distinct_vertices_are_too_few() {
    let ring = [[121.44, 31.24], [121.45, 31.24], [121.44, 31.24]];
    assert_eq!(
        check_boundary(&ring, &rules()),
        Err(ShapeProblem::TooFewVertices { vertices: 2 })
    );
}

#[test]
fn a_figure_eight_is_refused() {
    let (x, y) = (121.44, 31.24);
    let bow = [
        [x, y],
        [x + 0.01, y + 0.01],
        [x + 0.01, y],
        [x, y + 0.01],
        [x, y],
    ];
    assert_eq!(
        check_boundary(&bow, &rules()),
        Err(ShapeProblem::SelfIntersecting)
    );
}

#[test]
fn a_vertex_visited_twice_is_refused() {
    let (x, y) = (121.44, 31.24);
    // Two squares sharing the corner (x+0.01, y+0.01).
    let ring = [
        [x, y],
        [x + 0.01, y],
        [x + 0.01, y + 0.01],
        [x + 0.02, y + 0.01],
        [x + 0.02, y + 0.02],
        [x + 0.01, y + 0.02],
        [x + 0.01, y + 0.01],
        [x, y + 0.01],
        [x, y],
    ];
    assert_eq!(
        check_boundary(&ring, &rules()),
        Err(ShapeProblem::SelfIntersecting)
    );
}

#[test]
fn area_bounds_hold_at_their_edges() {
    let r = rules();
    match check_boundary(&square(0.001), &r) {
        Err(ShapeProblem::TooSmall { min, .. }) => assert_eq!(min, r.min_area_km2),
        other => panic!("{other:?}"),
    }
    match check_boundary(&square(0.1), &r) {
        Err(ShapeProblem::TooLarge { max, .. }) => assert_eq!(max, r.max_area_km2),
        other => panic!("{other:?}"),
    }
    // Just inside either bound.
    let tight = CircleRules {
        min_area_km2: 1.0,
        max_area_km2: 1.1,
        ..r.clone()
    };
    assert!(check_boundary(&square(0.01), &tight).is_ok());
}

#[test]
fn too_many_vertices_are_refused() {
    let r = CircleRules {
        max_vertices: 3,
        ..rules()
    };
    assert_eq!(
        check_boundary(&square(0.01), &r),
        Err(ShapeProblem::TooManyVertices {
            vertices: 4,
            max: 3
        })
    );
}

#[test]
fn coordinates_must_be_longitudes_and_latitudes() {
    let mut ring = square(0.01);
    ring[1][1] = 91.0;
    assert_eq!(
        check_boundary(&ring, &rules()),
        Err(ShapeProblem::BadCoordinate)
    );
    ring[1] = [f64::NAN, 31.0];
    assert_eq!(
        check_boundary(&ring, &rules()),
        Err(ShapeProblem::BadCoordinate)
    );
}

#[test]
fn every_problem_speaks_chinese_and_english() {
    let problems = [
        ShapeProblem::BadCoordinate,
        ShapeProblem::NotClosed,
        ShapeProblem::TooFewVertices { vertices: 2 },
        ShapeProblem::TooManyVertices {
            vertices: 201,
            max: 200,
        },
        ShapeProblem::SelfIntersecting,
        ShapeProblem::TooSmall {
            area_km2: 0.01,
            min: 0.05,
        },
        ShapeProblem::TooLarge {
            area_km2: 40.0,
            max: 30.0,
        },
    ];
    for p in problems {
        assert!(p.message_zh().chars().any(|c| c > '\u{4e00}'), "{p:?}");
        assert!(!p.message_en().chars().any(|c| c > '\u{4e00}'), "{p:?}");
        assert!(!p.code().is_empty());
    }
}

/// Replaces `from` (once) in the bundled file and reads `[circles]` from the result.
fn read_with(from: &str, to: &str) -> Result<CircleRules, crate::domain::RulesError> {
    assert!(DEFAULT_RULES_TOML.contains(from), "{from}");
    CircleRules::from_toml(&DEFAULT_RULES_TOML.replacen(from, to, 1))
}

fn line_containing(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn bad_values_name_their_line() {
    let cases = [
        ("min_area_km2 = 0.05", "min_area_km2 = 0.0", "above 0"),
        (
            "max_area_km2 = 30.0",
            "max_area_km2 = 0.01",
            "above min_area_km2",
        ),
        (
            "min_street_nodes = 10",
            "min_street_nodes = 0",
            "at least 1",
        ),
        ("max_vertices = 200", "max_vertices = 2", "at least 3"),
        ("name_max_chars = 40", "name_max_chars = 0", "at least 1"),
        (
            "max_population = 2000000",
            "max_population = 50",
            "max_population",
        ),
    ];
    for (from, to, says) in cases {
        let text = DEFAULT_RULES_TOML.replacen(from, to, 1);
        let e = read_with(from, to).unwrap_err();
        assert_eq!(e.line, Some(line_containing(&text, to)), "{to}: {e}");
        assert!(e.message.contains(says), "{to}: {e}");
    }
}

#[test]
fn unknown_keys_and_wrong_types_are_refused() {
    let e = read_with("max_vertices = 200", "max_vertices = 200\nmax_vertex = 3").unwrap_err();
    assert!(e.message.contains("unknown field"), "{e}");
    let e = read_with("min_street_nodes = 10", "min_street_nodes = \"ten\"").unwrap_err();
    assert!(e.line.is_some(), "{e}");
}

#[test]
fn a_file_without_the_table_says_so() {
    let start = DEFAULT_RULES_TOML.find("[circles]").unwrap();
    let end = DEFAULT_RULES_TOML[start..].find("\n# ----").unwrap() + start;
    let text = format!(
        "{}{}",
        &DEFAULT_RULES_TOML[..start],
        &DEFAULT_RULES_TOML[end..]
    );
    let e = CircleRules::from_toml(&text).unwrap_err();
    assert!(e.message.contains("missing field `circles`"), "{e}");
    // The map's rules and the grade's still read the same file.
    let rules = crate::domain::Rules::from_toml(&text).unwrap();
    crate::domain::GradeRules::from_toml(&text, &rules).unwrap();
}
