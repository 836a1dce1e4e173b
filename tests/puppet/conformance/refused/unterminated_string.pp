class conformance::refused::unterminated_string {
  $s = "never closed
}
