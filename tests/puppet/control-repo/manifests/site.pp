node /^etherpad\d+\.example\.org$/ {
  include role::etherpad
}
