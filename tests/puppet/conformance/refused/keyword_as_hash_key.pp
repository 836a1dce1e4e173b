class conformance::refused::keyword_as_hash_key {
  $h = { class => 1 }
}
