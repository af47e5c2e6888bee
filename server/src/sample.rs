//! Deterministic sample outlets (示例数据) for a dataset without open POI data (Shanghai): placed
//! along real streets, covering every category and repair kind of the rules. Every one is marked
//! `source = sample`; nothing here pretends to be a real shop (no phone numbers, no real brands).

use crate::streets::{haversine_m, Streets};
use app::domain::{Outlet, OutletSource, PriceItem, Rules};
use app::walk::round6;

/// How many sample outlets per category in a ~3×3 km dense neighbourhood; categories the table
/// does not name (a city's own additions to the rules) get `DEFAULT_COUNT`.
const COUNTS: &[(&str, usize)] = &[
    ("convenience", 24),
    ("supermarket", 5),
    ("wet_market", 4),
    ("fresh_food", 10),
    ("breakfast", 18),
    ("restaurant", 25),
    ("hairdresser", 12),
    ("laundry", 6),
    ("pharmacy", 10),
    ("photo_print", 4),
    ("hardware", 6),
    ("repair", 22),
    ("housekeeping", 4),
    ("property_service", 6),
    ("recycling", 6),
    ("parcel", 10),
    ("bank", 8),
    ("specialty_dining", 10),
    ("education", 6),
    ("fitness", 5),
    ("wellness", 5),
    ("leisure", 5),
];
const DEFAULT_COUNT: usize = 3;

/// Opening hours (OSM syntax) by category.
const HOURS: &[(&str, &str)] = &[
    ("convenience", "Mo-Su 07:00-23:00"),
    ("breakfast", "Mo-Su 05:30-10:30"),
    ("wet_market", "Mo-Su 06:00-18:00"),
    ("fresh_food", "Mo-Su 07:00-21:00"),
    ("restaurant", "Mo-Su 10:30-21:30"),
    ("repair", "Mo-Sa 08:30-18:00"),
    ("bank", "Mo-Fr 09:00-17:00"),
    ("parcel", "Mo-Su 08:00-21:00"),
    ("vending", "24/7"),
    ("childcare", "Mo-Fr 07:30-18:00"),
    ("elderly_care", "Mo-Su 08:00-17:00"),
    ("property_service", "Mo-Fr 08:30-17:30"),
    ("recycling", "Mo-Su 08:00-11:00,15:00-18:00"),
];
const DEFAULT_HOURS: &str = "Mo-Su 09:00-21:00";

/// Price lists (明码标价) by repair kind: (item, price in fen).
const PRICES: &[(&str, &[(&str, u32)])] = &[
    (
        "shoe",
        &[("钉鞋掌", 1500), ("换拉链", 2500), ("补鞋面", 2000)],
    ),
    (
        "key",
        &[
            ("普通钥匙", 500),
            ("防盗门钥匙", 1500),
            ("电动车钥匙", 2000),
        ],
    ),
    ("locksmith", &[("开普通门锁", 8000), ("换锁芯", 15000)]),
    (
        "watch",
        &[("换电池", 2000), ("换表带", 3000), ("清洗保养", 8000)],
    ),
    (
        "phone",
        &[("换电池", 12000), ("换屏幕", 20000), ("贴膜", 1500)],
    ),
    (
        "appliance",
        &[
            ("上门检测", 3000),
            ("电风扇维修", 4000),
            ("换电源板", 12000),
        ],
    ),
    (
        "tailoring",
        &[("改裤长", 1500), ("换拉链", 2000), ("收腰", 3000)],
    ),
    (
        "bicycle",
        &[("补胎", 1000), ("换内胎", 3000), ("调刹车", 500)],
    ),
    ("umbrella", &[("换伞骨", 1000), ("修伞", 800)]),
    ("knife", &[("磨菜刀", 500), ("磨剪刀", 500)]),
];

/// SplitMix64: tiny, fast and identical on every platform, so the sample set is reproducible
/// (the spatial bench and test draw their outlets from it too).
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// A street segment inside the area, with the cumulative length before it for weighted picks.
struct Segment {
    a: [f64; 2],
    b: [f64; 2],
    street: Option<String>,
    start_m: f64,
}

fn segments(streets: &Streets, bbox: [f64; 4]) -> (Vec<Segment>, f64) {
    let mut out = Vec::new();
    let mut total = 0.0;
    for line in &streets.lines {
        for w in line.coords.windows(2) {
            // Both ends inside, so no outlet lands outside the circle it is a sample of.
            let inside = |p: [f64; 2]| {
                p[0] >= bbox[0] && p[0] <= bbox[2] && p[1] >= bbox[1] && p[1] <= bbox[3]
            };
            if !inside(w[0]) || !inside(w[1]) {
                continue;
            }
            let len = haversine_m(w[0], w[1]);
            if len < 1.0 {
                continue;
            }
            out.push(Segment {
                a: w[0],
                b: w[1],
                street: line.name.clone(),
                start_m: total,
            });
            total += len;
        }
    }
    (out, total)
}

/// A point on a random street (chance proportional to length), set back 8–14 m to one side
/// so that the marker sits on the pavement, not on the road's centre line.
fn place(rng: &mut Rng, segs: &[Segment], total: f64) -> ([f64; 2], Option<String>) {
    let at = rng.unit() * total;
    let i = segs.partition_point(|s| s.start_m <= at).saturating_sub(1);
    let s = &segs[i];
    let t = rng.unit();
    let p = [
        s.a[0] + (s.b[0] - s.a[0]) * t,
        s.a[1] + (s.b[1] - s.a[1]) * t,
    ];
    let m_per_deg_lat = 111_320.0;
    let m_per_deg_lon = m_per_deg_lat * p[1].to_radians().cos();
    let (dx, dy) = (
        (s.b[0] - s.a[0]) * m_per_deg_lon,
        (s.b[1] - s.a[1]) * m_per_deg_lat,
    );
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let side = if rng.chance(0.5) { 1.0 } else { -1.0 };
    let offset = side * (8.0 + 6.0 * rng.unit());
    let (nx, ny) = (-dy / len * offset, dx / len * offset);
    (
        [p[0] + nx / m_per_deg_lon, p[1] + ny / m_per_deg_lat],
        s.street.clone(),
    )
}

/// The sample set for an area: same streets, rules and seed → the same outlets, in order.
pub fn generate(rules: &Rules, streets: &Streets, bbox: [f64; 4], seed: u64) -> Vec<Outlet> {
    let (segs, total) = segments(streets, bbox);
    if segs.is_empty() {
        return Vec::new();
    }
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    let mut names_used = std::collections::HashMap::<String, usize>::new();
    for category in &rules.categories {
        let code = category.code.as_str();
        let count = COUNTS
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(DEFAULT_COUNT, |(_, n)| *n);
        for i in 0..count {
            let (pos, street) = place(&mut rng, &segs, total);
            let street = street.unwrap_or_else(|| "无名路".to_string());
            let base = format!("{street}{}", category.name_zh);
            let n = names_used.entry(base.clone()).or_insert(0);
            *n += 1;
            let name = if *n == 1 {
                base
            } else {
                format!("{base}（{n}）")
            };

            let mut o = Outlet {
                name: Some(name),
                name_en: None,
                category: code.to_string(),
                repair_kinds: vec![],
                services: vec![],
                prices: vec![],
                opening_hours: Some(
                    HOURS
                        .iter()
                        .find(|(c, _)| *c == code)
                        .map_or(DEFAULT_HOURS, |(_, h)| h)
                        .to_string(),
                ),
                phone: None,
                address: Some(format!("{street}（示例地址）")),
                brand: None,
                delivers: None,
                open_24h: false,
                source: OutletSource::Sample,
                osm_ref: None,
                lon: round6(pos[0]),
                lat: round6(pos[1]),
            };
            if code == rules.repair_map.category {
                // Cycle through the kinds so every one appears; some stalls do two or three.
                let kinds = &rules.repair_kinds;
                let mut chosen = vec![kinds[i % kinds.len()].code.clone()];
                for _ in 0..rng.below(3) {
                    let k = &kinds[rng.below(kinds.len())].code;
                    if !chosen.contains(k) {
                        chosen.push(k.clone());
                    }
                }
                o.prices = chosen
                    .iter()
                    .filter_map(|k| PRICES.iter().find(|(c, _)| c == k))
                    .flat_map(|(_, items)| items.iter())
                    .map(|(item, fen)| PriceItem {
                        item: item.to_string(),
                        price_fen: *fen,
                    })
                    .collect();
                o.repair_kinds = chosen;
            }
            if code == "convenience" {
                // 一店多能: between 2 and all of the stacked services.
                let services = &rules.services;
                let wanted = 2 + rng.below(services.len() - 1);
                let start = rng.below(services.len());
                o.services = (0..wanted)
                    .map(|j| services[(start + j) % services.len()].code.clone())
                    .collect();
                if rng.chance(0.25) {
                    o.opening_hours = Some("24/7".into());
                    o.open_24h = true;
                }
                if rng.chance(0.6) {
                    o.brand = Some(format!("示例连锁便利{}", ["甲", "乙", "丙"][rng.below(3)]));
                }
            }
            if matches!(
                code,
                "supermarket" | "pharmacy" | "restaurant" | "breakfast"
            ) && rng.chance(0.35)
            {
                o.brand = Some(format!("示例连锁{}", category.name_zh));
            }
            if matches!(
                code,
                "convenience"
                    | "supermarket"
                    | "fresh_food"
                    | "breakfast"
                    | "restaurant"
                    | "pharmacy"
            ) {
                o.delivers = Some(rng.chance(0.4));
            }
            out.push(o);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{default_data_dir, Dataset};

    fn shanghai() -> (Rules, Dataset) {
        (
            Rules::bundled(),
            Dataset::open("shanghai", &default_data_dir()).unwrap(),
        )
    }

    #[test]
    fn deterministic_and_covers_every_category_and_repair_kind() {
        let (rules, ds) = shanghai();
        let bbox = ds.circles[0].bbox;
        let a = generate(&rules, &ds.streets, bbox, 1);
        let b = generate(&rules, &ds.streets, bbox, 1);
        assert_eq!(a, b, "same input, same sample set");
        for c in &rules.categories {
            assert!(
                a.iter().any(|o| o.category == c.code),
                "category {}",
                c.code
            );
        }
        for k in &rules.repair_kinds {
            assert!(
                a.iter().any(|o| o.repair_kinds.contains(&k.code)),
                "repair kind {}",
                k.code
            );
        }
        for o in &a {
            assert!(o.is_sample());
            assert!(
                o.phone.is_none(),
                "sample outlets must not carry phone numbers"
            );
            assert!(o.validate(&rules).is_ok(), "{o:?}");
            assert!(
                bbox[0] - 0.001 <= o.lon && o.lon <= bbox[2] + 0.001,
                "inside the circle"
            );
            assert!(
                bbox[1] - 0.001 <= o.lat && o.lat <= bbox[3] + 0.001,
                "inside the circle"
            );
        }
        let repairs: Vec<_> = a.iter().filter(|o| o.category == "repair").collect();
        assert!(
            repairs.iter().all(|o| !o.prices.is_empty()),
            "repair points show prices"
        );
    }

    #[test]
    fn outlets_stand_beside_a_real_street() {
        let (rules, ds) = shanghai();
        let outlets = generate(&rules, &ds.streets, ds.circles[0].bbox, 7);
        for o in outlets.iter().take(40) {
            let nearest = ds
                .streets
                .lines
                .iter()
                .flat_map(|l| l.coords.windows(2))
                .map(|w| distance_to_segment_m([o.lon, o.lat], w[0], w[1]))
                .fold(f64::INFINITY, f64::min);
            // Set back at most 14 m from its own street; another street can only be nearer.
            assert!(nearest <= 14.5, "{nearest} m from the nearest street");
        }
    }

    fn distance_to_segment_m(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
        let k = p[1].to_radians().cos();
        let (ax, ay, bx, by, px, py) = (a[0] * k, a[1], b[0] * k, b[1], p[0] * k, p[1]);
        let (dx, dy) = (bx - ax, by - ay);
        let t =
            (((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy).max(1e-18)).clamp(0.0, 1.0);
        let (qx, qy) = (ax + t * dx, ay + t * dy);
        haversine_m(p, [qx / k, qy])
    }
}
