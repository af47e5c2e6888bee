//! The listing editor both merchant pages show: name, category (with repair kinds and the
//! price list for repair points), services, the pin on the map, address, phone, hours, chain
//! or independent, delivery and the credit code. Phone and credit code are checked with the
//! domain's own checks as soon as the field is left; every field shows its problems beside it.

use super::hours_editor::HoursEditor;
use super::model::{self, errors_for, FormState};
use super::pin_map::PinMap;
use super::price_list::PriceList;
use crate::domain::merchant::{credit_code, phone, FieldError, Registration};
use crate::domain::rules::Kind;
use crate::domain::{Circle, Rules};
use crate::ui::i18n::{pick, tr, trf};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;

/// The form's problems: the domain's check against the rules (what the server would answer
/// with `fields`), after the problems only the form sees (a price that is no amount, no pin).
pub fn local_errors(state: &FormState, rules: &Rules) -> Result<Registration, Vec<FieldError>> {
    let repair = &rules.repair_map.category;
    match state.to_registration(repair) {
        Ok(reg) => reg.check(rules).map(|_| reg),
        Err(mut errors) => {
            // The rest of the form too, so one tap shows every problem: checked without the
            // price lines that are no amount (their line numbers would shift, so the price
            // problems are this pass's only).
            let mut rest = state.clone();
            rest.prices.retain(|p| model::parse_yuan(&p.yuan).is_some());
            if let Ok(reg) = rest.to_registration(repair) {
                if let Err(more) = reg.check(rules) {
                    errors.extend(more.into_iter().filter(|e| !e.field.starts_with("prices")));
                }
            }
            Err(errors)
        }
    }
}

/// Marks the fields the check found (`list`), says so above the button and moves to the first.
pub fn show_field_errors(
    list: Vec<FieldError>,
    errors: RwSignal<Vec<FieldError>>,
    failure: RwSignal<Option<String>>,
) {
    focus_first_error(&list);
    errors.set(list);
    failure.set(Some(
        tr(
            "有几处需要修改，已在对应位置标出",
            "Some fields need correcting; they are marked",
        )
        .into(),
    ));
}

/// Moves focus to the first field with a problem (and scrolls it into view).
fn focus_first_error(errors: &[FieldError]) {
    let Some(id) = model::first_error_section(errors) else {
        return;
    };
    request_animation_frame(move || {
        let Some(section) = document().get_element_by_id(id) else {
            return;
        };
        let target = section
            .query_selector("input:not([type=hidden]), select, textarea, button")
            .ok()
            .flatten()
            .unwrap_or(section);
        if let Ok(el) = target.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
            let opts = web_sys::ScrollIntoViewOptions::new();
            opts.set_block(web_sys::ScrollLogicalPosition::Center);
            el.scroll_into_view_with_scroll_into_view_options(&opts);
        }
    });
}

/// A field's problems, said beside it (announced as they appear).
#[component]
pub(super) fn Errors(
    list: Signal<Vec<String>>,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    move || {
        let errs = list.get();
        (!errs.is_empty()).then(|| {
            view! {
                <ul class="field-errors" role="alert" data-testid=testid.clone()>
                    {errs.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}
                </ul>
            }
        })
    }
}

/// Reads and writes one of the form's code lists.
type CodeList = (
    fn(&FormState) -> &Vec<String>,
    fn(&mut FormState) -> &mut Vec<String>,
);

/// A chip per kind (repair kinds, services) that toggles its code in one of the form's lists
/// (`field`, `field_mut`); `changed` runs after each toggle.
fn code_chips(
    kinds: &[Kind],
    testid: &'static str,
    state: RwSignal<FormState>,
    (field, field_mut): CodeList,
    changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    kinds
        .iter()
        .map(|k| {
            let code = k.code.clone();
            let code2 = code.clone();
            let on = Memo::new(move |_| state.with(|s| field(s).contains(&code2)));
            view! {
                <label class="chip" class:is-on=move || on.get()>
                    <input type="checkbox" data-testid=format!("{testid}-{code}")
                        prop:checked=move || on.get()
                        on:change=move |_| {
                            state.update(|s| model::toggle(field_mut(s), &code));
                            changed();
                        } />
                    <span class="chip-glyph" style=format!("background:{}", k.color) aria-hidden="true">{k.glyph.clone()}</span>
                    <span class="chip-name">{pick(&k.name_zh, &k.name_en).to_string()}</span>
                    <span class="chip-check" aria-hidden="true"></span>
                </label>
            }
        })
        .collect_view()
}

#[component]
pub fn ListingEditor(
    state: RwSignal<FormState>,
    errors: RwSignal<Vec<FieldError>>,
    rules: Arc<Rules>,
    circle: Option<Arc<Circle>>,
    /// The owner's page: the credit code is fixed (it names the licence reviewed).
    #[prop(optional)]
    owner: bool,
) -> impl IntoView {
    let repair = rules.repair_map.category.clone();
    let repair2 = repair.clone();
    let is_repair = Memo::new(move |_| state.with(|s| s.category == repair2));
    let at =
        move |prefix: &'static str| Signal::derive(move || errors.with(|e| errors_for(e, prefix)));
    let clear = move |prefixes: &'static [&'static str]| {
        if errors.with_untracked(|e| prefixes.iter().any(|p| !errors_for(e, p).is_empty())) {
            errors.update(|e| {
                e.retain(|f| {
                    prefixes
                        .iter()
                        .all(|p| errors_for(std::slice::from_ref(f), p).is_empty())
                })
            });
        }
    };
    let initial = state.get_untracked();

    // Phone and credit code: the domain's message as soon as the field is left.
    let phone_live = RwSignal::new(None::<String>);
    let credit_live = RwSignal::new(None::<String>);
    let phone_errors = Signal::derive(move || match phone_live.get() {
        Some(m) => vec![m],
        None => errors.with(|e| errors_for(e, "phone")),
    });
    let credit_errors = Signal::derive(move || match credit_live.get() {
        Some(m) => vec![m],
        None => errors.with(|e| errors_for(e, "credit_code")),
    });

    let categories = {
        let mut groups: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for c in &rules.categories {
            let group = rules
                .groups
                .get(&c.group)
                .map(|g| pick(&g.name_zh, &g.name_en).to_string())
                .unwrap_or_default();
            let entry = (c.code.clone(), pick(&c.name_zh, &c.name_en).to_string());
            match groups.iter_mut().find(|(g, _)| *g == group) {
                Some((_, list)) => list.push(entry),
                None => groups.push((group, vec![entry])),
            }
        }
        let chosen = initial.category.clone();
        groups
            .into_iter()
            .map(|(g, list)| {
                let options = list
                    .into_iter()
                    .map(|(code, name)| {
                        let sel = code == chosen;
                        view! { <option value=code selected=sel>{name}</option> }
                    })
                    .collect_view();
                view! { <optgroup label=g>{options}</optgroup> }
            })
            .collect_view()
    };

    let kind_chips = code_chips(
        &rules.repair_kinds,
        "kind",
        state,
        (|s| &s.repair_kinds, |s| &mut s.repair_kinds),
        move || clear(&["repair_kinds"]),
    );
    let service_chips = code_chips(
        &rules.services,
        "service",
        state,
        (|s| &s.services, |s| &mut s.services),
        move || clear(&["services"]),
    );

    let pin = Signal::derive(move || state.with(|s| s.pin));
    // The pin from an address typed by hand: the street it names (no house numbers in the
    // data, so the merchant moves the pin along the street to the door).
    let (locating, located_text) = (RwSignal::new(false), RwSignal::new(None::<String>));
    let locate_address = move |_| {
        let address = state.with_untracked(|s| s.address.trim().to_string());
        if address.is_empty() {
            located_text.set(Some(
                tr("请先填写地址（路名、门牌号）", "Type the address first").into(),
            ));
            return;
        }
        locating.set(true);
        leptos::task::spawn_local(async move {
            let said = match super::api::streets(&address).await {
                Ok(found) => match found.first() {
                    Some(m) => {
                        state.update(|s| s.pin = Some(m.point));
                        clear(&["lon", "lat"]);
                        let name = m.name.clone();
                        trf!(
                            "图钉已移到{name}，请在地图上沿街拖到店门口",
                            "The pin is now on {name}: drag it along the street to the door"
                        )
                    }
                    None => tr(
                        "地图数据里没有找到这条路，请在地图上拖动图钉",
                        "No street of that name in the map data: drag the pin on the map",
                    )
                    .to_string(),
                },
                Err(e) => e.text(),
            };
            located_text.set(Some(said));
            locating.set(false);
        });
    };
    let set_pin = Callback::new(move |p: [f64; 2]| {
        state.update(|s| s.pin = Some(p));
        clear(&["lon", "lat"]);
    });
    let chain = Memo::new(move |_| state.with(|s| s.chain));

    view! {
        <section class="form-section" id="f-name">
            <label class="field-label" for="shop-name">{tr("店名（门头上的名字）", "Shop name (as on the sign)")}</label>
            <input id="shop-name" class="field" type="text" maxlength="40" autocomplete="organization"
                data-testid="shop-name" prop:value=initial.name.clone()
                on:input=move |ev| { let v = event_target_value(&ev); state.update(|s| s.name = v); clear(&["name"]); } />
            <Errors list=at("name") testid="name-error" />
        </section>

        <section class="form-section" id="f-category">
            <label class="field-label" for="category">{tr("经营类别", "Category")}</label>
            <select id="category" class="field" data-testid="category"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    let repair = repair.clone();
                    state.update(|s| {
                        s.category = v;
                        if s.category != repair {
                            s.repair_kinds.clear();
                        }
                    });
                    clear(&["category", "repair_kinds", "prices"]);
                }>
                <option value="" selected=initial.category.is_empty() disabled=true>{tr("请选择", "Choose")}</option>
                {categories}
            </select>
            <Errors list=at("category") testid="category-error" />
        </section>

        <div hidden=move || !is_repair.get()>
            <fieldset class="form-section chip-group" id="f-repair">
                <legend class="field-label">{tr("维修项目（可多选）", "Repair kinds (choose any)")}</legend>
                <div class="chips">{kind_chips}</div>
                <Errors list=at("repair_kinds") testid="repair-error" />
            </fieldset>
            <fieldset class="form-section" id="f-prices">
                <legend class="field-label">{tr("明码标价：价目表", "Price list")}</legend>
                <p class="small">{tr("居民在地图上会看到这些价格。每行一项，价格按元填写，如 10 或 2.5。", "Residents see these prices on the map. One item a line; prices in yuan, e.g. 10 or 2.5.")}</p>
                <PriceList state errors=at("prices") />
            </fieldset>
        </div>

        <fieldset class="form-section chip-group" id="f-services">
            <legend class="field-label">{tr("还提供哪些便民服务（一店多能，可不选）", "Other services (optional)")}</legend>
            <div class="chips">{service_chips}</div>
            <Errors list=at("services") testid="services-error" />
        </fieldset>

        <section class="form-section" id="f-position" tabindex="-1">
            <h2 class="field-label">{tr("店铺位置", "Position")}</h2>
            <p class="small">{if owner {
                tr("改动位置需工作人员重新审核。拖动图钉或点地图上的店门口。", "A new position is reviewed again. Drag the pin or tap the shop door.")
            } else {
                tr("拖动图钉，或点地图上的店门口。圈出的范围是步行 5、10、15 分钟能到的地方。", "Drag the pin or tap the shop door. The rings show where 5, 10 and 15 minutes' walk reaches.")
            }}</p>
            <PinMap pin set_pin circle=circle.clone() rules=rules.clone() />
            <Errors list=Signal::derive(move || errors.with(|e| [errors_for(e, "lon"), errors_for(e, "lat")].concat())) testid="position-error" />
        </section>

        <section class="form-section" id="f-address">
            <label class="field-label" for="address">{tr("详细地址（路名、门牌号）", "Address (street and number)")}</label>
            <input id="address" class="field" type="text" maxlength="80" autocomplete="street-address"
                data-testid="address" prop:value=initial.address.clone()
                on:input=move |ev| { let v = event_target_value(&ev); state.update(|s| s.address = v); clear(&["address"]); } />
            <Errors list=at("address") testid="address-error" />
            <button class="button secondary" type="button" data-testid="locate-address"
                disabled=move || locating.get() on:click=locate_address>
                {tr("按地址移动图钉", "Move the pin to this address")}
            </button>
            {move || located_text.get().map(|t| view! { <p class="small" role="status" data-testid="address-located">{t}</p> })}
        </section>

        <section class="form-section" id="f-phone">
            <label class="field-label" for="phone">{tr("联系电话（手机或带区号的座机）", "Phone (mobile, or landline with area code)")}</label>
            <input id="phone" class="field" type="tel" inputmode="tel" maxlength="24" autocomplete="tel"
                data-testid="phone" prop:value=initial.phone.clone()
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    state.update(|s| s.phone = v);
                    clear(&["phone"]);
                    // A fixed typo clears the message at once; a new one waits for the blur.
                    if phone_live.get_untracked().is_some() {
                        phone_live.set(None);
                    }
                }
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    phone_live.set(if v.trim().is_empty() { None } else {
                        phone::check(&v).err().map(|e| if crate::ui::i18n::is_en() { e.message_en() } else { e.message_zh() })
                    });
                } />
            <Errors list=phone_errors testid="phone-error" />
        </section>

        <fieldset class="form-section" id="f-hours">
            <legend class="field-label">{tr("营业时间", "Opening hours")}</legend>
            <HoursEditor state errors=at("hours") />
        </fieldset>

        <fieldset class="form-section" id="f-brand">
            <legend class="field-label">{tr("经营方式", "Ownership")}</legend>
            <div class="options two">
                <label class="option" class:is-selected=move || !chain.get()>
                    <input type="radio" name="chain" data-testid="independent" prop:checked=move || !chain.get()
                        on:change=move |_| { state.update(|s| s.chain = false); clear(&["brand"]); } />
                    <span class="option-mark" aria-hidden="true"></span>
                    {tr("独立经营", "Independent")}
                </label>
                <label class="option" class:is-selected=move || chain.get()>
                    <input type="radio" name="chain" data-testid="chain" prop:checked=move || chain.get()
                        on:change=move |_| state.update(|s| s.chain = true) />
                    <span class="option-mark" aria-hidden="true"></span>
                    {tr("连锁品牌", "Chain brand")}
                </label>
            </div>
            <div hidden=move || !chain.get()>
                <label class="field-label" for="brand">{tr("品牌名称", "Brand")}</label>
                <input id="brand" class="field" type="text" maxlength="30" data-testid="brand"
                    prop:value=initial.brand.clone()
                    on:input=move |ev| { let v = event_target_value(&ev); state.update(|s| s.brand = v); clear(&["brand"]); } />
            </div>
            <Errors list=at("brand") testid="brand-error" />
            <label class="check">
                <input type="checkbox" data-testid="delivers" prop:checked=initial.delivers
                    on:change=move |ev| { let on = event_target_checked(&ev); state.update(|s| s.delivers = on); } />
                <span><strong>{tr("可以送货上门", "Delivers to the door")}</strong></span>
            </label>
        </fieldset>

        <section class="form-section" id="f-credit">
            <label class="field-label" for="credit-code">{tr("统一社会信用代码（营业执照上的 18 位代码）", "Unified social credit code (18 characters, on the business licence)")}</label>
            <input id="credit-code" class="field mono" type="text" maxlength="24" autocapitalize="characters"
                autocomplete="off" spellcheck="false" data-testid="credit-code"
                prop:value=initial.credit_code.clone() readonly=owner
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    state.update(|s| s.credit_code = v);
                    clear(&["credit_code"]);
                    if credit_live.get_untracked().is_some() {
                        credit_live.set(None);
                    }
                }
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    credit_live.set(if v.trim().is_empty() { None } else {
                        credit_code::check(&v).err().map(|e| if crate::ui::i18n::is_en() { e.message_en() } else { e.message_zh() })
                    });
                } />
            {owner.then(|| view! { <p class="small">{tr("信用代码对应审核过的营业执照，不能在这里修改。", "The credit code belongs to the reviewed licence and cannot change here.")}</p> })}
            <Errors list=credit_errors testid="credit-error" />
        </section>
    }
}
