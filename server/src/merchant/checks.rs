//! The automatic checks staff see beside a registration in the queue. The domain's checks
//! (credit code's check character, phone, hours) already passed when it was stored; these add
//! what needs the live data: is the pin on a street the walking engine can reach, inside a
//! circle, is the outlet perhaps on the map already, has the licence registered before.

use super::{changes, store};
use crate::api::AppState;
use crate::grade::facts;
use app::domain::merchant::{credit_code, Registration};
use geo::{Contains, Point};
use serde::Serialize;

/// An approved outlet of the same category this close is probably the same shop.
const DUPLICATE_M: f64 = 50.0;
/// A pin farther than this from any street is not counted by the walking engine.
const STREET_M: f64 = 100.0;

/// One check: passed or worth a look, said in Chinese and English.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub code: &'static str,
    pub ok: bool,
    pub zh: String,
    pub en: String,
}

fn check(code: &'static str, ok: bool, zh: String, en: String) -> Check {
    Check { code, ok, zh, en }
}

pub async fn run(
    s: &AppState,
    r: &Registration,
    listing: i64,
    outlet: i64,
) -> Result<Vec<Check>, sqlx::Error> {
    let mut out = Vec::new();
    out.push(match credit_code::check(&r.credit_code) {
        Ok(c) => check(
            "credit_code",
            true,
            format!(
                "统一社会信用代码校验位正确（登记机关代码 {}，主体类别 {}，行政区划 {}）",
                c.registration_authority(),
                c.entity_type(),
                c.division_code()
            ),
            format!(
                "credit code check character correct (authority {}, type {}, division {})",
                c.registration_authority(),
                c.entity_type(),
                c.division_code()
            ),
        ),
        Err(e) => check("credit_code", false, e.message_zh(), e.message_en()),
    });

    let same = store::same_credit_code(&s.db, &s.dataset.name, &r.credit_code, listing).await?;
    out.push(if same.is_empty() {
        check(
            "credit_code_unique",
            true,
            "该信用代码没有其他登记".into(),
            "no other listing with this credit code".into(),
        )
    } else {
        check(
            "credit_code_unique",
            false,
            format!(
                "该信用代码已有 {} 个其他登记（编号 {:?}），请核对是否重复或连锁分店",
                same.len(),
                same
            ),
            format!(
                "{} other listing(s) with this credit code: {:?}",
                same.len(),
                same
            ),
        )
    });

    let lonlat = [r.lon, r.lat];
    out.push(match s.walk.snap(lonlat, STREET_M) {
        Ok(snap) => check(
            "near_street",
            true,
            format!("距最近的步行道路约 {:.0} 米", snap.off_m),
            format!("about {:.0} m from the nearest walkable street", snap.off_m),
        ),
        Err(_) => check(
            "near_street",
            false,
            format!("位置距步行道路超过 {STREET_M:.0} 米，请核对地图上的位置"),
            format!("more than {STREET_M:.0} m from any walkable street: check the pin"),
        ),
    });

    let point = Point::new(r.lon, r.lat);
    let circles = crate::circles::store::list(&s.db, &s.dataset.name).await?;
    let circle = circles
        .iter()
        .map(|stored| &stored.circle)
        .find(|c| facts::boundary(c).contains(&point));
    out.push(match circle {
        Some(c) => check(
            "in_circle",
            true,
            format!("位于“{}”生活圈内", c.name_zh),
            format!("inside the circle '{}'", c.name_en),
        ),
        None => check(
            "in_circle",
            false,
            "不在本地图的任何生活圈内，请核对位置".into(),
            "outside every circle of this map: check the position".into(),
        ),
    });

    let near: Vec<(String, f64)> =
        store::approved_near(&s.db, &s.dataset.name, &r.category, lonlat, outlet)
            .await?
            .into_iter()
            .map(|(_, name, lon, lat)| {
                (
                    name.unwrap_or_else(|| "（无名称）".into()),
                    changes::distance_m(lonlat, [lon, lat]),
                )
            })
            .filter(|(_, d)| *d <= DUPLICATE_M)
            .collect();
    out.push(if near.is_empty() {
        check(
            "no_duplicate_nearby",
            true,
            format!("{DUPLICATE_M:.0} 米内没有已上线的同类网点"),
            format!("no approved outlet of this category within {DUPLICATE_M:.0} m"),
        )
    } else {
        let list: Vec<String> = near
            .iter()
            .map(|(n, d)| format!("{n}（{d:.0} 米）"))
            .collect();
        let list_en: Vec<String> = near
            .iter()
            .map(|(n, d)| format!("{n} ({d:.0} m)"))
            .collect();
        check(
            "no_duplicate_nearby",
            false,
            format!(
                "{DUPLICATE_M:.0} 米内已有同类网点：{}，请核对是否重复登记",
                list.join("、")
            ),
            format!(
                "approved outlets of this category within {DUPLICATE_M:.0} m: {}",
                list_en.join(", ")
            ),
        )
    });
    Ok(out)
}
