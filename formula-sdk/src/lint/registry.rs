//! The one table of lint rules, sorted by code. Codes are never reused: a retired rule
//! keeps its line (a test checks the order and that codes and names are unique).

use super::rules::*;
use super::Rule;

/// Every rule, sorted by code.
#[rustfmt::skip]
pub const RULES: &[&Rule] = &[
    &f001_not_a_formula_directory::RULE,
    &f002_yaml_syntax_error::RULE,
    &f003_metadata_missing::RULE,
    &f004_file_unreadable::RULE,
    &f005_file_too_large::RULE,
    &f006_duplicate_yaml_key::RULE,
    &f007_layer_yaml_unparseable::RULE,
    &f008_invalid_allow_list::RULE,
    &f009_metadata_not_a_map::RULE,
    &f101_unknown_metadata_field::RULE,
    &f102_missing_metadata_field::RULE,
    &f103_metadata_field_wrong_type::RULE,
    &f104_name_mismatches_directory::RULE,
    &f105_summary_too_long::RULE,
    &f106_display_name_missing::RULE,
    &f107_invalid_display_name::RULE,
    &f108_maintainer_and_maintainers::RULE,
    &f109_maintainer_missing::RULE,
    &f110_maintainer_wrong_shape::RULE,
    &f111_maintainer_format::RULE,
    &f112_tags_missing::RULE,
    &f113_tags_invalid::RULE,
    &f114_categories_invalid::RULE,
    &f115_categories_deprecated::RULE,
    &f116_storage_invalid::RULE,
    &f117_devices_invalid::RULE,
    &f118_series_deprecated::RULE,
    &f119_min_juju_version_invalid::RULE,
    &f120_extra_bindings_invalid::RULE,
    &f121_payloads_invalid::RULE,
    &f122_terms_invalid::RULE,
    &f123_resources_invalid::RULE,
    &f124_deployment_invalid::RULE,
    &f125_subordinate_not_boolean::RULE,
    &f126_provides_nothing::RULE,
    &f127_subordinate_without_container_scope::RULE,
    &f128_revision_in_metadata::RULE,
    &f129_metadata_revision_invalid::RULE,
    &f130_invalid_formula_name::RULE,
    &f131_ambiguous_metadata_format::RULE,
    &f132_invalid_series::RULE,
    &f133_ensemble_format_marker::RULE,
    &f201_reserved_relation_name::RULE,
    &f202_relation_not_a_map::RULE,
    &f203_relation_shorthand::RULE,
    &f204_unknown_relation_scope::RULE,
    &f205_template_interface_name::RULE,
    &f206_relation_missing_interface::RULE,
    &f207_unknown_relation_field::RULE,
    &f208_template_relation_name::RULE,
    &f209_relation_without_hooks::RULE,
    &f210_reserved_interface::RULE,
    &f211_duplicate_endpoint_name::RULE,
    &f212_invalid_endpoint_name::RULE,
    &f213_relation_field_wrong_type::RULE,
    &f214_hook_for_undeclared_relation::RULE,
    &f301_config_missing::RULE,
    &f302_config_invalid_structure::RULE,
    &f303_config_ignored_keys::RULE,
    &f304_options_not_a_map::RULE,
    &f305_invalid_option_name::RULE,
    &f306_option_not_a_map::RULE,
    &f307_option_missing_keys::RULE,
    &f308_option_unknown_keys::RULE,
    &f309_option_description_empty::RULE,
    &f310_invalid_option_type::RULE,
    &f311_option_without_default::RULE,
    &f312_option_default_wrong_type::RULE,
    &f401_actions_not_a_map::RULE,
    &f402_reserved_action_name::RULE,
    &f403_action_without_executable::RULE,
    &f404_action_not_executable::RULE,
    &f405_invalid_action_name::RULE,
    &f406_invalid_action_schema::RULE,
    &f501_hooks_directory_missing::RULE,
    &f502_missing_recommended_hook::RULE,
    &f503_hook_not_executable::RULE,
    &f504_hook_uses_ec2_metadata::RULE,
    &f505_hook_without_shebang::RULE,
    &f506_hook_interpreter_missing::RULE,
    &f507_hook_symlink_broken::RULE,
    &f508_ensemble_change_protocol::RULE,
    &f509_hook_tool_out_of_context::RULE,
    &f510_ensemble_hook_tool::RULE,
    &f511_hook_symlink_leaves_formula::RULE,
    &f512_dispatch_not_executable::RULE,
    &f513_int_option_read_as_text::RULE,
    &f601_icon_missing::RULE,
    &f602_template_icon::RULE,
    &f603_copyright_missing::RULE,
    &f604_readme_missing::RULE,
    &f605_readme_boilerplate::RULE,
    &f606_revision_file_invalid::RULE,
    &f607_template_test_file::RULE,
    &f701_bundle_invalid_structure::RULE,
    &f702_bundle_formula_not_found::RULE,
    &f703_bundle_unknown_option::RULE,
    &f704_bundle_option_wrong_type::RULE,
    &f705_bundle_unknown_endpoint::RULE,
    &f706_bundle_interface_mismatch::RULE,
    &f707_bundle_invalid_units::RULE,
    &f708_deployer_bundle::RULE,
];

/// The rule with this code or name.
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::RULES;

    #[test]
    fn codes_are_sorted_and_unique_and_names_unique() {
        for pair in RULES.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} must come before {}", pair[0].code, pair[1].code);
        }
        let mut names: Vec<&str> = RULES.iter().map(|r| r.name).collect();
        names.sort();
        let count = names.len();
        names.dedup();
        assert_eq!(count, names.len(), "rule names must be unique");
    }
}
