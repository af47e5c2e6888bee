use super::*;

fn scored(c: &Circle, key: &str) -> PartScore {
    let (rules, g) = setup();
    part(&grade(&rules, &g, &c.facts()), key).clone()
}

fn repair_circle(kinds: &[&str]) -> Circle {
    let mut c = Circle::empty();
    let mut stall = outlet("repair");
    stall.repair_kinds = codes(kinds);
    c.outlets.push(stall);
    c
}

const EIGHT_KINDS: [&str; 8] = [
    "shoe",
    "key",
    "locksmith",
    "watch",
    "phone",
    "appliance",
    "tailoring",
    "bicycle",
];

#[test]
fn repair_kinds_lose_0_6_per_kind_short() {
    let key = "market_repair.repair_kinds";
    // 8 kinds → 5; 7 → 5 − 0.6 = 4.4; 1 → 5 − 7 × 0.6 = 0.8; none → 0.
    assert_eq!(scored(&repair_circle(&EIGHT_KINDS), key).points, Points(50));
    let seven = scored(&repair_circle(&EIGHT_KINDS[..7]), key);
    assert_eq!(seven.points, Points(44));
    assert_eq!(seven.points.to_string(), "4.4");
    assert_eq!(
        scored(&repair_circle(&EIGHT_KINDS[..1]), key).points,
        Points(8)
    );
    let none = scored(&repair_circle(&[]), key);
    assert_eq!(
        (none.points, none.evidence_zh.as_str()),
        (Points(0), "0 种")
    );
    // Ten kinds are still 5, not more.
    let mut ten = EIGHT_KINDS.to_vec();
    ten.extend(["umbrella", "knife"]);
    assert_eq!(scored(&repair_circle(&ten), key).points, Points(50));
    assert_eq!(
        seven.rule_zh,
        "≥8 种维修项目得 5 分，每少一种扣 0.6 分；不足 1 种得 0 分"
    );
    assert_eq!(
        seven.rule_en,
        "8 or more repair kinds: 5; −0.6 per kind short; fewer than 1: 0"
    );
}

#[test]
fn repair_kinds_are_counted_once_across_stalls_and_named() {
    // Two stalls sharing "key": 3 distinct kinds, named in the rules' order → 5 − 5 × 0.6 = 2.
    let mut c = repair_circle(&["key", "shoe"]);
    let mut second = outlet("repair");
    second.repair_kinds = codes(&["key", "watch"]);
    c.outlets.push(second);
    // A pharmacy's kinds (invalid, but stored before the check) are not the repair category's.
    let mut pharmacy = outlet("pharmacy");
    pharmacy.repair_kinds = codes(&["phone"]);
    c.outlets.push(pharmacy);
    let p = scored(&c, "market_repair.repair_kinds");
    assert_eq!(p.points, Points(20));
    assert_eq!(p.evidence_zh, "3 种：修鞋、配钥匙、修表");
    assert_eq!(
        p.evidence_en,
        "3 kinds: Shoe repair, Key cutting, Watch repair"
    );
}

#[test]
fn the_repair_rule_text_follows_the_rules_numbers() {
    let rules = Rules::bundled();
    let g = GradeRules::from_toml(&edited("full_kinds = 8", "full_kinds = 10"), &rules).unwrap();
    let c = repair_circle(&EIGHT_KINDS);
    let out = grade(&rules, &g, &c.facts());
    let p = part(&out, "market_repair.repair_kinds");
    // 8 of 10 kinds: 5 − 2 × 0.6 = 3.8.
    assert_eq!(p.points, Points(38));
    assert!(
        p.rule_zh.starts_with("≥10 种维修项目得 5 分"),
        "{}",
        p.rule_zh
    );
}

fn store_circle(services: &[&[&str]], open_24h: usize) -> Circle {
    let mut c = Circle::empty();
    for (i, list) in services.iter().enumerate() {
        let mut store = outlet(if i % 2 == 0 {
            "convenience"
        } else {
            "supermarket"
        });
        store.services = codes(list);
        store.open_24h = i < open_24h;
        c.outlets.push(store);
    }
    c
}

#[test]
fn store_services_take_the_first_band_reached() {
    let key = "store_breakfast.store_services";
    let seven: &[&[&str]] = &[
        &[
            "print_copy",
            "bill_payment",
            "parcel",
            "housekeeping_booking",
        ],
        &["laundry_booking", "breakfast", "fresh_food"],
    ];
    let six: &[&[&str]] = &[
        &["print_copy", "bill_payment", "parcel"],
        &["laundry_booking", "breakfast", "fresh_food"],
    ];
    let five: &[&[&str]] = &[
        &["print_copy", "bill_payment", "parcel"],
        &["laundry_booking", "print_copy", "breakfast"],
    ];
    let four: &[&[&str]] = &[&["print_copy", "bill_payment"], &["parcel", "breakfast"]];
    // (services, stores open 24 h) → points: 7 and 2 → 4; 7 and 1 → 2; 6 and 2 → 2; 5 and 1 → 2;
    // 5 and 0 → 0; 4 and 2 → 0.
    let cases = [
        (seven, 2, 40),
        (seven, 1, 20),
        (six, 2, 20),
        (five, 1, 20),
        (five, 0, 0),
        (four, 2, 0),
    ];
    for (services, h, expected) in cases {
        let p = scored(&store_circle(services, h), key);
        assert_eq!(p.points, Points(expected), "{}", p.evidence_en);
    }
    let p = scored(&store_circle(five, 1), key);
    assert_eq!(
        p.evidence_zh,
        "门店 2 家，服务 5 项：打印复印、代扣代缴、代收代发、洗衣预约、早餐；24 小时营业 1 家"
    );
    assert_eq!(
        p.rule_zh,
        "门店（便利店、综合超市）服务合计 ≥7 项且 24 小时营业 ≥2 家得 4 分；≥5 项且 ≥1 家得 2 分；否则 0 分"
    );
}

#[test]
fn services_of_other_categories_do_not_count() {
    // A pharmacy open 24 h with 7 services is not a store: 0.
    let mut c = Circle::empty();
    let mut pharmacy = outlet("pharmacy");
    pharmacy.services = codes(&[
        "print_copy",
        "bill_payment",
        "parcel",
        "housekeeping_booking",
        "laundry_booking",
        "breakfast",
        "fresh_food",
    ]);
    pharmacy.open_24h = true;
    c.outlets = vec![pharmacy.clone(), pharmacy];
    let p = scored(&c, "store_breakfast.store_services");
    assert_eq!(p.points, Points(0));
    assert_eq!(p.evidence_en, "0 stores, 0 services; 0 open 24 h");
}

#[test]
fn breakfast_kinds_are_distinct_trimmed_names() {
    let mut c = Circle::empty();
    let mut shop = outlet("breakfast");
    shop.prices = prices(&["油条", " 油条 ", "豆浆", "", "  "]);
    let mut canteen = outlet("canteen");
    canteen.prices = prices(&["豆浆", "包子"]);
    // A restaurant's noodles are not on a breakfast outlet's list.
    let mut restaurant = outlet("restaurant");
    restaurant.prices = prices(&["面条", "馄饨"]);
    c.outlets = vec![shop, canteen, restaurant];
    let key = "store_breakfast.breakfast_kinds";
    let p = scored(&c, key);
    assert_eq!(
        (p.points, p.evidence_zh.as_str()),
        (Points(0), "3 种：油条、豆浆、包子")
    );
    // + 2 kinds = 5 → 2; + 2 more = 7 → 2; + 1 = 8 → 4.
    c.outlets[1].prices.extend(prices(&["馒头", "粥 "]));
    assert_eq!(scored(&c, key).points, Points(20));
    c.outlets[0].prices.extend(prices(&["烧饼", "豆花"]));
    assert_eq!(scored(&c, key).points, Points(20));
    c.outlets[0].prices.extend(prices(&["粢饭团", "粥"]));
    assert_eq!(scored(&c, key).points, Points(40));
}

#[test]
fn delivery_needs_an_outlet_that_says_it_delivers() {
    let mut c = Circle::empty();
    let mut shop = outlet("breakfast");
    shop.delivers = None;
    let mut market = outlet("wet_market");
    market.delivers = Some(false);
    // A restaurant's delivery is neither breakfast nor retail.
    let mut restaurant = outlet("restaurant");
    restaurant.delivers = Some(true);
    c.outlets = vec![shop, market, restaurant];
    assert_eq!(
        scored(&c, "store_breakfast.breakfast_delivery").points,
        Points(0)
    );
    assert_eq!(
        scored(&c, "store_breakfast.retail_delivery").points,
        Points(0)
    );
    c.outlets[0].delivers = Some(true);
    c.outlets[1].delivers = Some(true);
    let p = scored(&c, "store_breakfast.breakfast_delivery");
    assert_eq!(
        (p.points, p.evidence_zh.as_str()),
        (Points(10), "1 / 1 家外送")
    );
    assert_eq!(p.rule_zh, "早餐店、社区食堂中有网点外送得 1 分");
    assert_eq!(
        scored(&c, "store_breakfast.retail_delivery").points,
        Points(10)
    );
}

fn chain_circle(tier: u8, branded: usize, all: usize) -> Circle {
    let mut c = Circle::empty();
    c.city_tier = tier;
    for i in 0..all {
        let mut o = outlet("restaurant");
        o.brand = (i < branded).then(|| "老盛昌".to_string());
        c.outlets.push(o);
    }
    c
}

#[test]
fn the_chain_rate_compares_with_the_city_tier_exactly() {
    let key = "chain_rate.chain_rate";
    // Tier 1 needs 30%: 3 / 10 passes, 2 / 10 does not.
    let p = scored(&chain_circle(1, 3, 10), key);
    assert_eq!(
        (p.points, p.evidence_zh.as_str()),
        (Points(60), "品牌连锁 3 / 10 = 30%")
    );
    assert_eq!(scored(&chain_circle(1, 2, 10), key).points, Points(0));
    // Tier 2 needs 25%: 2 / 8 passes; 2 / 9 (22.2%) does not.
    assert_eq!(scored(&chain_circle(2, 2, 8), key).points, Points(60));
    assert_eq!(scored(&chain_circle(2, 2, 9), key).points, Points(0));
    // Tier 3 (and a tier the rules do not list) needs 20%: 2 / 10 passes.
    assert_eq!(scored(&chain_circle(3, 2, 10), key).points, Points(60));
    assert_eq!(scored(&chain_circle(9, 2, 10), key).points, Points(60));
    // No outlets: nothing to share.
    assert_eq!(scored(&chain_circle(1, 0, 0), key).points, Points(0));
    assert_eq!(
        p.rule_zh,
        "品牌连锁网点占比 ≥30% 得 6 分（本市按第 1 档；各档城市：1 档 30%、2 档 25%、3 档 20%）"
    );
}

#[test]
fn a_blank_brand_is_not_a_chain() {
    let mut c = chain_circle(1, 3, 10);
    c.outlets[0].brand = Some("  ".into());
    // 2 / 10 = 20% < 30%.
    assert_eq!(scored(&c, "chain_rate.chain_rate").points, Points(0));
}

#[test]
fn on_the_map_needs_the_census() {
    let key = "digital.on_map";
    let mut c = chain_circle(1, 0, 8);
    let p = scored(&c, key);
    assert_eq!(p.points, Points(0));
    assert_eq!(
        (p.evidence_zh.as_str(), p.evidence_en.as_str()),
        ("未录入网点总数", "no outlet census entered")
    );
    // 8 of 10 = 80% → 2; 8 of 11 = 72.7% → 0; a census of 0 → 0.
    c.census = Some(10);
    let p = scored(&c, key);
    assert_eq!(
        (p.points, p.evidence_zh.as_str()),
        (Points(20), "地图上 8 / 网点总数 10 = 80%")
    );
    c.census = Some(11);
    let p = scored(&c, key);
    assert_eq!(p.points, Points(0));
    assert!(p.evidence_en.ends_with("= 72.7%"), "{}", p.evidence_en);
    c.census = Some(0);
    assert_eq!(scored(&c, key).points, Points(0));
}
