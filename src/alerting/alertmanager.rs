//! The pack's Alertmanager configuration (`alerts/alertmanager.yml`): rendering its
//! `${MESHKIT_...}` placeholders from the environment (Alertmanager expands no variables
//! itself) and validating the result with `amtool check-config`.

use std::collections::BTreeSet;
use std::path::Path;

use crate::exit::ToolError;
use crate::pack::layout;
use crate::programs::tools::AMTOOL;

/// The `${NAME}` placeholders of a template, in order of first use.
pub fn placeholders(template: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("${") {
        let Some(close) = rest[open..].find('}') else { break };
        let name = &rest[open + 2..open + close];
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            && seen.insert(name.to_string())
        {
            names.push(name.to_string());
        }
        rest = &rest[open + close + 1..];
    }
    names
}

/// Replaces every placeholder with `value(name)`; names the unset ones as an error.
pub fn render(template: &str, value: impl Fn(&str) -> Option<String>) -> Result<String, ToolError> {
    let mut rendered = template.to_string();
    let mut missing = Vec::new();
    for name in placeholders(template) {
        match value(&name) {
            Some(v) => rendered = rendered.replace(&format!("${{{name}}}"), &v),
            None => missing.push(name),
        }
    }
    if missing.is_empty() {
        Ok(rendered)
    } else {
        Err(ToolError::InvalidInput(format!(
            "{}: {} webhook URL variable(s) are not set: {}; export each one (e.g. {}=https://hooks.example/...) and run again",
            layout::ALERTMANAGER_CONFIG,
            missing.len(),
            missing.join(", "),
            missing[0]
        )))
    }
}

/// `amtool check-config` on a rendered file; its report on failure.
pub async fn check(config: &Path) -> anyhow::Result<Result<(), String>> {
    crate::programs::tools::check(AMTOOL, &["check-config"], config).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders_and_names_the_missing_ones() {
        let template = "a: ${MESHKIT_A}\nb: ${MESHKIT_B}\nc: ${MESHKIT_A}\nliteral: $notvar";
        assert_eq!(placeholders(template), ["MESHKIT_A", "MESHKIT_B"]);
        let rendered = render(template, |n| Some(format!("http://127.0.0.1/{n}"))).unwrap();
        assert_eq!(
            rendered,
            "a: http://127.0.0.1/MESHKIT_A\nb: http://127.0.0.1/MESHKIT_B\nc: http://127.0.0.1/MESHKIT_A\nliteral: $notvar"
        );
        let err = render(template, |n| (n == "MESHKIT_A").then(|| "x".to_string())).unwrap_err().to_string();
        assert!(err.contains("MESHKIT_B") && !err.contains("MESHKIT_A,"), "{err}");
    }
}
