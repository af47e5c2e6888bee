//! `GET /api/hours` against the real server: open intervals as Unix seconds in the circle's
//! time zone. Expected instants were computed independently (Python's zoneinfo) and are written
//! out here.

mod common;

use chrono::TimeZone;
use common::*;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

/// What the phone reads an outlet's entry into.
#[derive(Debug, Deserialize)]
struct OutletHours {
    from: i64,
    to: i64,
    intervals: Vec<[i64; 2]>,
}

fn entry(body: &Value, id: i64) -> OutletHours {
    serde_json::from_value(body["outlets"][id.to_string()].clone())
        .unwrap_or_else(|e| panic!("outlet {id}: {e}: {}", body["outlets"][id.to_string()]))
}

/// AKA GastroBar Oriental, "Mo-Fr 09:00-21:00; Sa 09:00-18:00; Su 12:00-18:00".
const AKA: &str = "node/323810326";

#[tokio::test]
async fn helsinki_hours_are_local_times_as_instants() {
    let ws = Workspace::new();
    let s = ws.start("helsinki");
    let (status, body) = s.get("/api/hours?date=2026-11-21").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["timezone"], "Europe/Helsinki");
    assert_eq!(body["date"], "2026-11-21");
    // Fri 2026-11-20 00:00 EET to Sun 2026-11-29 00:00 EET.
    let (from, to) = (1_795_125_600, 1_795_903_200);
    assert_eq!(
        (body["from"].as_i64(), body["to"].as_i64()),
        (Some(from), Some(to))
    );

    let aka = entry(&body, outlet_id(&s, AKA).await);
    assert_eq!((aka.from, aka.to), (from, to));
    assert_eq!(
        aka.intervals,
        [
            [1_795_158_000, 1_795_201_200], // Fri 20th 09–21
            [1_795_244_400, 1_795_276_800], // Sat 21st 09–18
            [1_795_341_600, 1_795_363_200], // Sun 22nd 12–18
            [1_795_417_200, 1_795_460_400], // Mon 23rd 09–21
            [1_795_503_600, 1_795_546_800],
            [1_795_590_000, 1_795_633_200],
            [1_795_676_400, 1_795_719_600],
            [1_795_762_800, 1_795_806_000], // Fri 27th 09–21
            [1_795_849_200, 1_795_881_600], // Sat 28th 09–18
        ]
    );

    // 24/7: one interval, the whole window.
    let sokos = entry(&body, outlet_id(&s, "node/288130404").await);
    assert_eq!(sokos.intervals, [[from, to]]);

    // Every entry is hours, unknown or an error; the real data has all three.
    let outlets = body["outlets"].as_object().unwrap();
    assert!(outlets.len() > 250, "{}", outlets.len());
    let mut kinds = std::collections::BTreeMap::new();
    for (id, e) in outlets {
        let kind = if e.get("error").is_some() {
            assert!(
                e["error"]
                    .as_str()
                    .unwrap()
                    .starts_with("营业时间无法识别："),
                "{id}: {e}"
            );
            "error"
        } else if e.get("unknown").is_some() {
            assert_eq!(e["unknown"], true);
            "unknown"
        } else {
            let h: OutletHours = serde_json::from_value(e.clone()).unwrap();
            assert!(
                h.intervals.windows(2).all(|w| w[0][1] < w[1][0]),
                "{id}: merged, sorted"
            );
            assert!(
                h.intervals
                    .iter()
                    .all(|[a, b]| from <= *a && a < b && *b <= to),
                "{id}"
            );
            "hours"
        };
        *kinds.entry(kind).or_insert(0) += 1;
    }
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    // Samovar: "\"for request only\"" is unknown, not open around the clock.
    assert_eq!(
        outlets[&outlet_id(&s, "node/448156822").await.to_string()],
        json!({"unknown": true})
    );
    assert_eq!(
        outlets[&outlet_id(&s, "node/1007416273").await.to_string()]["intervals"]
            .as_array()
            .unwrap()
            .len(),
        8,
        "Théhuone, Mo-Fr 10–19 and Sa 10–18: Fri, Sat, five weekdays, Sat"
    );
}

#[tokio::test]
async fn the_autumn_clock_change_makes_a_25_hour_day() {
    let ws = Workspace::new();
    let s = ws.start("helsinki");
    let (status, body) = s.get("/api/hours?date=2026-10-25").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Sat 2026-10-24 00:00 EEST (+03) to Mon 2026-11-02 00:00 EET (+02).
    let (from, to) = (1_792_789_200, 1_793_570_400);
    assert_eq!(
        (body["from"].as_i64(), body["to"].as_i64()),
        (Some(from), Some(to))
    );
    assert_eq!(to - from, 9 * 86_400 + 3_600);
    let aka = entry(&body, outlet_id(&s, AKA).await);
    assert_eq!(
        aka.intervals,
        [
            [1_792_821_600, 1_792_854_000], // Sat 24th 09–18 EEST
            [1_792_922_400, 1_792_944_000], // Sun 25th 12–18 EET
            [1_792_998_000, 1_793_041_200], // Mon 26th 09–21 EET
            [1_793_084_400, 1_793_127_600],
            [1_793_170_800, 1_793_214_000],
            [1_793_257_200, 1_793_300_400],
            [1_793_343_600, 1_793_386_800], // Fri 30th
            [1_793_430_000, 1_793_462_400], // Sat 31st 09–18
            [1_793_527_200, 1_793_548_800], // Sun 1st 12–18
        ]
    );
    // Milliklubi, "Mo-Su 21:00-04:00": the night of the change lasts eight hours.
    let club = entry(&body, outlet_id(&s, "node/249675574").await);
    assert!(
        club.intervals.contains(&[1_792_864_800, 1_792_893_600]),
        "Sat 21:00 EEST to Sun 04:00 EET: {:?}",
        club.intervals
    );
    assert_eq!(
        club.intervals[0],
        [from, from + 4 * 3_600],
        "Friday night's end"
    );
}

#[tokio::test]
async fn bad_dates_and_parameters_are_400s_in_chinese() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    for date in [
        "2026-13-01",
        "abc",
        "2026-02-30",
        "2026-1-05",
        "",
        "２０２６-11-21",
    ] {
        let (status, body) = s.get(&format!("/api/hours?date={date}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{date}: {body}");
        assert_eq!(body["error"], "bad_date", "{date}");
        assert_eq!(body["message"], "日期格式应为 YYYY-MM-DD，例如 2026-11-21");
        assert!(body["message_en"].as_str().unwrap().contains(date));
    }
    let (status, body) = s.get("/api/hours?date=1900-01-01").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "bad_date");
    let (status, body) = s.get("/api/hours?day=2026-11-21").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "unknown_parameter");

    // Without a date: today in the circle's zone.
    let today = || {
        chrono::Utc::now()
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .date_naive()
            .to_string()
    };
    let before = today();
    let (status, body) = s.get("/api/hours").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        [before, today()].contains(&body["date"].as_str().unwrap().to_string()),
        "{}",
        body["date"]
    );
    assert_eq!(body["timezone"], "Asia/Shanghai");

    // Shanghai's sample 24-hour shops: the whole window, 2026-11-20 00:00 to 11-29 00:00 +08.
    let (_, body) = s.get("/api/hours?date=2026-11-21").await;
    let (from, to) = (1_795_104_000, 1_795_881_600);
    assert_eq!(
        (body["from"].as_i64(), body["to"].as_i64()),
        (Some(from), Some(to))
    );
    let all = s.outlets("").await;
    let round_the_clock: Vec<i64> = all
        .features
        .iter()
        .filter(|f| f.properties.open_24h)
        .map(|f| f.id)
        .collect();
    assert!(!round_the_clock.is_empty());
    for id in round_the_clock {
        assert_eq!(entry(&body, id).intervals, [[from, to]], "{id}");
    }
    let listed = all
        .features
        .iter()
        .filter(|f| f.properties.opening_hours.is_some() || f.properties.open_24h)
        .count();
    assert_eq!(body["outlets"].as_object().unwrap().len(), listed);
}

#[tokio::test]
async fn unreadable_hours_are_reported_for_that_outlet_only() {
    let ws = Workspace::new();
    let s = ws.start("shanghai");
    import_features(
        &ws,
        "shanghai",
        &[
            osm_point(
                "node/900000001",
                121.44,
                31.245,
                json!({"shop": "convenience", "name": "乱写时间便利店", "opening_hours": "ma-pe 9-17 paitsi joskus"}),
            ),
            osm_point(
                "node/900000002",
                121.441,
                31.245,
                json!({"shop": "convenience", "name": "夜猫便利店", "opening_hours": "Mo-Su 20:00-24:00, 00:00-02:00"}),
            ),
        ],
    );
    let (status, body) = s.get("/api/hours?date=2026-11-21").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bad = outlet_id(&s, "node/900000001").await.to_string();
    assert_eq!(
        body["outlets"][&bad],
        json!({"error": "营业时间无法识别：ma-pe 9-17 paitsi joskus"})
    );
    // 20:00–24:00 and 00:00–02:00 the next day are one night.
    let night = entry(&body, outlet_id(&s, "node/900000002").await);
    let (from, to) = (1_795_104_000, 1_795_881_600);
    assert_eq!(night.intervals.len(), 10);
    assert_eq!(night.intervals[0], [from, from + 2 * 3_600]);
    assert_eq!(night.intervals[1], [from + 20 * 3_600, from + 26 * 3_600]);
    assert_eq!(night.intervals[9], [to - 4 * 3_600, to]);
    let others = body["outlets"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(id, e)| **id != bad && e.get("intervals").is_some())
        .count();
    assert!(others > 200, "the rest is answered as before: {others}");
}

#[test]
fn expected_instants_agree_with_chrono_tz() {
    // A cross-check of the hand-written figures above.
    let h = chrono_tz::Europe::Helsinki;
    let at = |y, m, d, hh| {
        h.with_ymd_and_hms(y, m, d, hh, 0, 0)
            .earliest()
            .unwrap()
            .timestamp()
    };
    assert_eq!(at(2026, 11, 20, 0), 1_795_125_600);
    assert_eq!(at(2026, 10, 24, 0), 1_792_789_200);
    assert_eq!(at(2026, 10, 25, 4), 1_792_893_600);
    assert_eq!(at(2026, 11, 2, 0), 1_793_570_400);
}
