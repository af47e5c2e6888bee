//! The outlet card that slides up when a marker is tapped: what a resident needs to decide
//! and act — name, what it is, prices, hours, address and a big 打电话 button.

use super::filter::{category_badge, kind_badge, Badge};
use super::i18n::{pick, tr, trf};
use super::open_text::OpenLook;
use crate::domain::{nav_links, Rules, StoredOutlet};
use leptos::prelude::*;

/// Escapes text for HTML built as a string (Leaflet icons take HTML text).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The name residents see: the outlet's own, or its category's for unnamed OSM features.
pub fn display_name(rules: &Rules, o: &StoredOutlet) -> String {
    o.outlet
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| category_badge(rules, &o.outlet.category).name)
}

fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

/// What the card says about opening hours.
#[derive(Debug, Clone, PartialEq)]
pub struct CardHours {
    /// The hours as written, in words ("周一至周五 07:00–19:00"); `None` when unknown.
    pub text: Option<String>,
    pub look: OpenLook,
    /// The server could not read the hours text.
    pub unreadable: bool,
}

#[component]
pub fn OutletCard(
    outlet: StoredOutlet,
    rules: Rules,
    /// The glyph of the tapped marker, so card and marker look alike.
    badge: Badge,
    /// "步行 6 分钟 · 450 米" (or that it is unknown) and where that walk starts.
    walk: String,
    origin: Option<String>,
    hours: CardHours,
    /// Draws the walking route on the map (when walking times work).
    on_route: Option<Callback<()>>,
    #[prop(into)] on_close: Callback<()>,
) -> impl IntoView {
    let o = &outlet.outlet;
    let category = category_badge(&rules, &o.category).name;
    let name = display_name(&rules, &outlet);
    let kind_of_shop = match &o.brand {
        Some(brand) => trf!("连锁品牌 · {brand}", "Chain · {brand}"),
        None => tr("独立门店", "Independent").to_string(),
    };
    let sep = tr("、", ", ");
    let repair_kinds: Vec<String> = o
        .repair_kinds
        .iter()
        .map(|k| kind_badge(&rules, k).name)
        .collect();
    let services: Vec<String> = o
        .services
        .iter()
        .map(|s| {
            rules
                .service(s)
                .map_or_else(|| s.clone(), |k| pick(&k.name_zh, &k.name_en).to_string())
        })
        .collect();
    let prices: Vec<(String, String)> = o
        .prices
        .iter()
        .map(|p| (p.item.clone(), p.price_text()))
        .collect();
    let phone = o.phone.clone();
    let address = o.address.clone();
    let sample = o.is_sample();
    let open_24h = o.open_24h;
    let delivers = o.delivers == Some(true);
    let nav = nav_links(&name, o.lon, o.lat);
    let nav_open = RwSignal::new(false);
    let look = hours.look.clone();

    view! {
        <section class="card" data-testid="outlet-popup" aria-label=name.clone()>
            <header class="card-head">
                <span class="glyph glyph--big" style:background=badge.color.clone() aria-hidden="true">
                    {badge.glyph.clone()}
                </span>
                <div class="card-title">
                    <h2>{name.clone()}</h2>
                    <p class="card-sub">{category} " · " {kind_of_shop}</p>
                </div>
                <button class="card-close" aria-label=tr("关闭", "Close") on:click=move |_| on_close.run(())>
                    "×"
                </button>
            </header>
            <div class="card-status">
                <p class=format!("card-open open--{}", look.code) data-testid="card-open" data-open=look.code>
                    <i aria-hidden="true">{look.icon}</i>
                    {look.long.clone()}
                </p>
                <p class="card-walk" data-testid="card-walk">
                    <span class="card-walk-icon" aria-hidden="true"></span>
                    <strong>{walk}</strong>
                    {origin.map(|o| view! { <span class="card-walk-from">{trf!("（从{o}出发）", " (from {o})")}</span> })}
                </p>
            </div>
            <div class="card-badges">
                {sample.then(|| view! { <span class="tag tag--sample">{tr("示例数据 · 非真实商户", "Sample data · not a real business")}</span> })}
                {open_24h.then(|| view! { <span class="tag tag--good">{tr("24小时", "24 hours")}</span> })}
                {delivers.then(|| view! { <span class="tag tag--good">{tr("可配送", "Delivers")}</span> })}
                {(!prices.is_empty()).then(|| view! { <span class="tag">{tr("明码标价", "Prices listed")}</span> })}
            </div>
            <div class="card-actions">
                {phone.clone().map(|p| {
                    let href = tel_href(&p);
                    view! {
                        <a class="action action--call" data-testid="card-call" href=href>
                            <span class="action-icon action-icon--call" aria-hidden="true"></span>
                            <span class="action-label">{tr("打电话", "Call")}</span>
                        </a>
                    }
                })}
                <button
                    class="action action--nav"
                    data-testid="card-nav"
                    aria-expanded=move || if nav_open.get() { "true" } else { "false" }
                    aria-controls="nav-choices"
                    on:click=move |_| nav_open.update(|v| *v = !*v)
                >
                    <span class="action-icon action-icon--nav" aria-hidden="true"></span>
                    <span class="action-label">{tr("导航", "Directions")}</span>
                </button>
            </div>
            <Show when=move || nav_open.get()>
                <ul class="nav-choices" id="nav-choices" data-testid="nav-choices">
                    {on_route.map(|go| view! {
                        <li>
                            <button class="nav-choice nav-choice--here" data-testid="nav-route" on:click=move |_| go.run(())>
                                {tr("在本页看步行路线", "Walking route on this map")}
                            </button>
                        </li>
                    })}
                    <li><a class="nav-choice" data-testid="nav-amap" href=nav.amap.clone() target="_blank" rel="noopener">{tr("高德地图", "Amap")}</a></li>
                    <li><a class="nav-choice" data-testid="nav-tencent" href=nav.tencent.clone() target="_blank" rel="noopener">{tr("腾讯地图", "Tencent Maps")}</a></li>
                    <li><a class="nav-choice" data-testid="nav-baidu" href=nav.baidu.clone() target="_blank" rel="noopener">{tr("百度地图", "Baidu Maps")}</a></li>
                    <li><a class="nav-choice" data-testid="nav-geo" href=nav.geo.clone()>{tr("手机上的其他地图", "Other map app")}</a></li>
                </ul>
            </Show>
            {phone.clone().map(|p| view! {
                <p class="card-phone">{tr("电话：", "Phone: ")} <a href=tel_href(&p)>{p.clone()}</a></p>
            })}
            <dl class="card-facts">
                {(!repair_kinds.is_empty()).then(|| view! {
                    <dt>{tr("维修项目", "Repairs")}</dt>
                    <dd>{repair_kinds.join(sep)}</dd>
                })}
                {(!services.is_empty()).then(|| view! {
                    <dt>{tr("还能办", "Also offers")}</dt>
                    <dd>{services.join(sep)}</dd>
                })}
                <dt>{tr("营业时间", "Hours")}</dt>
                <dd data-testid="card-hours">
                    {hours.text.clone().unwrap_or_else(|| tr("暂无营业时间信息", "No opening hours given").to_string())}
                    {hours.unreadable.then(|| view! {
                        <span class="muted">{tr("（格式无法识别，以门店为准）", " (could not be read; check with the shop)")}</span>
                    })}
                </dd>
                {phone.is_none().then(|| view! {
                    <dt>{tr("电话", "Phone")}</dt>
                    <dd class="muted">{tr("暂无联系电话", "No phone number given")}</dd>
                })}
                <dt>{tr("地址", "Address")}</dt>
                <dd>{address.unwrap_or_else(|| tr("暂无地址信息", "No address given").to_string())}</dd>
            </dl>
            {(!prices.is_empty()).then(|| view! {
                <div class="card-prices" data-testid="card-prices">
                    <h3>{tr("价目表", "Prices")}</h3>
                    <table>
                        <tbody>
                            {prices.into_iter().map(|(item, price)| view! {
                                <tr><td>{item}</td><td class="price">{price}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_keeps_phone_digits() {
        assert_eq!(
            escape("<b>\"A&B\"</b>"),
            "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;"
        );
        assert_eq!(tel_href("021-6123 4567"), "tel:02161234567");
        assert_eq!(tel_href("+358 9 123"), "tel:+3589123");
    }
}
