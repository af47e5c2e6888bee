// The staff account every test server gets before it starts (playwright.config.ts runs
// `bianmin-server … staff add`), and the survey tests log in with.
export const STAFF_USER = 'e2e-staff';
export const STAFF_PASSWORD = 'e2e-staff-password-2026';
