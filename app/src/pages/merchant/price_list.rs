//! 明码标价: the repair point's price list, one row per service (item + price in yuan), rows
//! added and removed; the amounts are read by `model::parse_yuan` when the form is sent.

use super::form::Errors;
use super::model::{FormState, PriceRow};
use crate::ui::i18n::{tr, trf};
use leptos::prelude::*;

/// The most rows the form offers (the domain allows 50; a stall's board has far fewer).
const MAX_ROWS: usize = 30;

#[component]
pub fn PriceList(state: RwSignal<FormState>, errors: Signal<Vec<String>>) -> impl IntoView {
    // Redrawn only when a row is added or removed, so typing keeps its focus.
    let count = Memo::new(move |_| state.with(|s| s.prices.len()));
    view! {
        <div class="price-list">
            <div class="price-head" aria-hidden="true">
                <span>{tr("项目", "Item")}</span>
                <span>{tr("价格（元）", "Price (yuan)")}</span>
            </div>
            {move || {
                let _ = count.get();
                let rows = state.with_untracked(|s| s.prices.clone());
                rows.into_iter()
                    .enumerate()
                    .map(|(i, row)| view! { <Row state i row /> })
                    .collect_view()
            }}
            <button class="button secondary add-row" type="button" data-testid="price-add"
                hidden=move || { count.get() >= MAX_ROWS }
                on:click=move |_| state.update(|s| s.prices.push(PriceRow::default()))>
                {tr("+ 再加一项", "+ Add a line")}
            </button>
            <Errors list=errors />
        </div>
    }
}

#[component]
fn Row(state: RwSignal<FormState>, i: usize, row: PriceRow) -> impl IntoView {
    let nth = i + 1;
    view! {
        <div class="price-row" data-testid=format!("price-{i}")>
            <input class="field" type="text" maxlength="20" enterkeyhint="next"
                data-testid=format!("price-item-{i}")
                placeholder=tr("如：配钥匙", "e.g. keys")
                aria-label=trf!("第 {nth} 项的名称", "Item {nth}")
                prop:value=row.item
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    state.update(|s| if let Some(r) = s.prices.get_mut(i) { r.item = v });
                } />
            <span class="yuan-field">
                <input class="field" type="text" inputmode="decimal" maxlength="9"
                    data-testid=format!("price-yuan-{i}")
                    placeholder="10"
                    aria-label=trf!("第 {nth} 项的价格（元）", "Price of item {nth} (yuan)")
                    prop:value=row.yuan
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        state.update(|s| if let Some(r) = s.prices.get_mut(i) { r.yuan = v });
                    } />
                <span class="yuan" aria-hidden="true">"元"</span>
            </span>
            <button class="icon-button" type="button"
                aria-label=trf!("删除第 {nth} 项", "Remove item {nth}")
                on:click=move |_| state.update(|s| {
                    if i < s.prices.len() {
                        s.prices.remove(i);
                    }
                })>
                "×"
            </button>
        </div>
    }
}
