# A type alias.
type Conformance::Port = Integer[1, 65535]
