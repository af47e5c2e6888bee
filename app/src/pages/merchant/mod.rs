//! Merchant pages (商户入驻): the registration form and the owner's page. (Being built.)

use leptos::prelude::*;

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! { <main class="page" id="main"></main> }
}

#[component]
pub fn ManagePage() -> impl IntoView {
    view! { <main class="page" id="main"></main> }
}
