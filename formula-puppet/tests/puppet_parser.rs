//! The Puppet and ERB parsers on every construct modules use, through a compact printed form
//! of the tree (`(kind …)`), plus positions and syntax errors.

use formula_puppet::ast::*;
use formula_puppet::erb::{self, ErbNode, RbExpr};
use formula_puppet::parse;

fn list(items: &[Expr]) -> String {
    items.iter().map(show).collect::<Vec<_>>().join(" ")
}

fn attrs(a: &[Attr]) -> String {
    a.iter().map(|a| format!("{}{}{}", a.name, a.op, show(&a.value))).collect::<Vec<_>>().join(" ")
}

fn params(ps: &[Param]) -> String {
    ps.iter()
        .map(|p| {
            let t = p.type_expr.as_ref().map(|t| format!("{}:", show(t))).unwrap_or_default();
            let d = p.default.as_ref().map(|d| format!("={}", show(d))).unwrap_or_default();
            format!("{t}${}{d}", p.name)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A compact, stable rendering of a tree.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Str(s) => format!("{s:?}"),
        ExprKind::Interp(parts) => {
            let ps: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    StrPart::Text(t) => format!("{t:?}"),
                    StrPart::Expr(x) => show(x),
                })
                .collect();
            format!("(str {})", ps.join(" "))
        }
        ExprKind::Number(n) => n.clone(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Undef => "undef".into(),
        ExprKind::Default => "default".into(),
        ExprKind::Regex(r) => format!("/{r}/"),
        ExprKind::Name(n) => n.clone(),
        ExprKind::TypeRef(t) => t.clone(),
        ExprKind::Var(v) => format!("${v}"),
        ExprKind::Array(items) => format!("[{}]", list(items)),
        ExprKind::Hash(pairs) => {
            format!(
                "{{{}}}",
                pairs.iter().map(|(k, v)| format!("{}=>{}", show(k), show(v))).collect::<Vec<_>>().join(" ")
            )
        }
        ExprKind::Access(t, i) => format!("{}[{}]", show(t), list(i)),
        ExprKind::Call { name, args, lambda } => {
            let l =
                lambda.as_ref().map(|l| format!(" |{}| {{{}}}", params(&l.params), list(&l.body))).unwrap_or_default();
            format!("(call {name} {}{l})", list(args))
        }
        ExprKind::MethodCall { receiver, name, args, lambda } => {
            let l =
                lambda.as_ref().map(|l| format!(" |{}| {{{}}}", params(&l.params), list(&l.body))).unwrap_or_default();
            format!("(.{name} {} {}{l})", show(receiver), list(args))
        }
        ExprKind::Unary(op, x) => format!("({op} {})", show(x)),
        ExprKind::Binary(op, a, b) => format!("({op} {} {})", show(a), show(b)),
        ExprKind::Assign(op, a, b) => format!("({op} {} {})", show(a), show(b)),
        ExprKind::Chain(op, a, b) => format!("({op} {} {})", show(a), show(b)),
        ExprKind::If { cond, negated, then, otherwise } => {
            let kw = if *negated { "unless" } else { "if" };
            format!("({kw} {} {{{}}} {{{}}})", show(cond), list(then), list(otherwise))
        }
        ExprKind::Case(s, options) => {
            let os: Vec<String> =
                options.iter().map(|o| format!("{}: {{{}}}", list(&o.values), list(&o.body))).collect();
            format!("(case {} {})", show(s), os.join(" "))
        }
        ExprKind::Selector(s, options) => {
            format!(
                "(? {} {})",
                show(s),
                options.iter().map(|(k, v)| format!("{}=>{}", show(k), show(v))).collect::<Vec<_>>().join(" ")
            )
        }
        ExprKind::Resource { virtuality, type_name, bodies } => {
            let v = match virtuality {
                Virtuality::Real => "",
                Virtuality::Virtual => "@",
                Virtuality::Exported => "@@",
            };
            let bs: Vec<String> = bodies.iter().map(|b| format!("{}: {}", show(&b.title), attrs(&b.attrs))).collect();
            format!("({v}{type_name} {})", bs.join("; "))
        }
        ExprKind::ResourceDefaults(t, a) => format!("(defaults {t} {})", attrs(a)),
        ExprKind::ResourceOverride(r, a) => format!("(override {} {})", show(r), attrs(a)),
        ExprKind::Collector { type_name, exported, query, attrs: a } => {
            let q = query.as_ref().map(|q| show(q)).unwrap_or_default();
            format!("({} {type_name} {q} {})", if *exported { "<<||>>" } else { "<||>" }, attrs(a))
        }
        ExprKind::Class(d) => format!(
            "(class {} ({}){} {{{}}})",
            d.name,
            params(&d.params),
            d.parent.as_ref().map(|p| format!(" inherits {p}")).unwrap_or_default(),
            list(&d.body)
        ),
        ExprKind::Define(d) => format!("(define {} ({}) {{{}}})", d.name, params(&d.params), list(&d.body)),
        ExprKind::Node(m, b) => format!("(node {} {{{}}})", list(m), list(b)),
        ExprKind::Block(b) => format!("{{{}}}", list(b)),
        ExprKind::Opaque(t) => format!("(opaque {:?})", t.split_whitespace().take(2).collect::<Vec<_>>().join(" ")),
    }
}

fn p(src: &str) -> String {
    match parse(src) {
        Ok(m) => list(&m.body),
        Err(e) => panic!("parse error {e} in:\n{src}"),
    }
}

fn err(src: &str) -> String {
    match parse(src) {
        Ok(m) => panic!("parsed: {}", list(&m.body)),
        Err(e) => e.to_string(),
    }
}

#[test]
fn classes_with_plain_and_typed_parameters_and_inheritance() {
    assert_eq!(
        p("class memcached($size = 2000, $ip = '0.0.0.0') inherits memcached::params { }"),
        r#"(class memcached ($size=2000 $ip="0.0.0.0") inherits memcached::params {})"#
    );
    assert_eq!(
        p("class d(Integer $port = 11211, Optional[String] $p = undef, Enum['a', 'b'] $e = 'a', Variant[Integer, String] $v = 1, Stdlib::Port $sp, Array[String] $l = []) {}"),
        r#"(class d (Integer:$port=11211 Optional[String]:$p=undef Enum["a" "b"]:$e="a" Variant[Integer String]:$v=1 Stdlib::Port:$sp Array[String]:$l=[]) {})"#
    );
}

#[test]
fn doc_comments_above_a_class_are_kept() {
    let m = parse("# Line one\n# @param port The port.\nclass x($port = 1) {}\n").unwrap();
    let ExprKind::Class(d) = &m.body[0].kind else { panic!() };
    assert_eq!(d.doc, "Line one\n@param port The port.");
}

#[test]
fn defines_resources_attributes_and_defaults() {
    assert_eq!(
        p("define m::inst($port, $size = 64) { file { \"/etc/${title}\": ensure => file, mode => '0644' } }"),
        r#"(define m::inst ($port $size=64) {(file (str "/etc/" $title): ensure=>file mode=>"0644")})"#
    );
    assert_eq!(p("File { owner => root, group => 'root' }"), r#"(defaults File owner=>root group=>"root")"#);
    assert_eq!(
        p("package { ['a', 'b']: ensure => present; 'c': ensure => absent, }"),
        r#"(package ["a" "b"]: ensure=>present; "c": ensure=>absent)"#
    );
    assert_eq!(p("file { '/x': * => $attrs, mode +> '0600' }"), r#"(file "/x": *=>$attrs mode+>"0600")"#);
    assert_eq!(p("File['/x'] { mode => '0600' }"), r#"(override File["/x"] mode=>"0600")"#);
}

#[test]
fn variables_and_every_interpolation() {
    assert_eq!(p("$x = \"a${y}b\""), r#"(= $x (str "a" $y "b"))"#);
    assert_eq!(p("$x = \"a $y b\""), r#"(= $x (str "a " $y " b"))"#);
    assert_eq!(p("$x = $::fqdn"), "(= $x $::fqdn)");
    assert_eq!(p("$x = $facts['hostname']"), r#"(= $x $facts["hostname"])"#);
    assert_eq!(p("$x = \"${facts['os']['family']}-x\""), r#"(= $x (str $facts["os"]["family"] "-x"))"#);
    assert_eq!(p("$x = \"${::hostname}.${domain}\""), r#"(= $x (str $::hostname "." $domain))"#);
    assert_eq!(p("$x = \"\\$literal \\\"q\\\"\\n\""), r#"(= $x "$literal \"q\"\n")"#);
    assert_eq!(p("$x = 'it\\'s'"), r#"(= $x "it's")"#);
    assert_eq!(p("$a::b = 1 + 2 * 3"), "(= $a::b (+ 1 (* 2 3)))");
}

#[test]
fn conditionals_cases_and_selectors() {
    assert_eq!(
        p("if $a == 1 { include x } elsif $b { } else { fail('no') }"),
        r#"(if (== $a 1) {(call include x)} {(if $b {} {(call fail "no")})})"#
    );
    assert_eq!(p("unless $x { notice('hi') }"), r#"(unless $x {(call notice "hi")} {})"#);
    assert_eq!(
        p("case $facts['os']['family'] { 'Debian', 'Ubuntu': { $p = 'a' } /^Red/: { } default: { } }"),
        r#"(case $facts["os"]["family"] "Debian" "Ubuntu": {(= $p "a")} /^Red/: {} default: {})"#
    );
    assert_eq!(p("$m = $size ? { undef => 64, default => $size }"), "(= $m (? $size undef=>64 default=>$size))");
    assert_eq!(p("if $::fqdn =~ /^db\\d+/ and !$x { }"), r"(if (and (=~ $::fqdn /^db\d+/) (! $x)) {} {})");
    assert_eq!(p("if 'a' in $list or $n >= 2 { }"), r#"(if (or (in "a" $list) (>= $n 2)) {} {})"#);
}

#[test]
fn arrays_and_hashes() {
    assert_eq!(p("$a = [1, 'b', [true, false],]"), r#"(= $a [1 "b" [true false]])"#);
    assert_eq!(p("$h = { 'a' => 1, b => { c => undef }, }"), r#"(= $h {"a"=>1 b=>{c=>undef}})"#);
    assert_eq!(p("$v = $h['a'][0]"), r#"(= $v $h["a"][0])"#);
}

#[test]
fn references_chains_and_metaparameters() {
    assert_eq!(p("Package['a'] -> File['/b'] ~> Service['c']"), r#"(~> (-> Package["a"] File["/b"]) Service["c"])"#);
    assert_eq!(p("Service['c'] <- File['/b'] <~ Package['a']"), r#"(<~ (<- Service["c"] File["/b"]) Package["a"])"#);
    assert_eq!(p("package { 'a': } -> service { 'a': }"), r#"(-> (package "a": ) (service "a": ))"#);
    assert_eq!(
        p("file { '/x': require => Package['a'], before => [File['/y'], Exec['z']], notify => Service['s'], subscribe => File['/w'] }"),
        r#"(file "/x": require=>Package["a"] before=>[File["/y"] Exec["z"]] notify=>Service["s"] subscribe=>File["/w"])"#
    );
}

#[test]
fn function_calls_in_both_forms() {
    assert_eq!(p("include ::standard, apache"), "(call include ::standard apache)");
    assert_eq!(p("require base::firewall"), "(call require base::firewall)");
    assert_eq!(p("contain x"), "(call contain x)");
    assert_eq!(p("fail(\"no ${x}\")"), r#"(call fail (str "no " $x))"#);
    assert_eq!(p("fail 'no'"), r#"(call fail "no")"#);
    assert_eq!(
        p("file { '/a': content => template('m/a.erb', 'm/b.erb'), source => file('m/c') }"),
        r#"(file "/a": content=>(call template "m/a.erb" "m/b.erb") source=>(call file "m/c"))"#
    );
    assert_eq!(p("$a = hiera('k', 'd')"), r#"(= $a (call hiera "k" "d"))"#);
    assert_eq!(p("$a = lookup('k', String, 'first', 'd')"), r#"(= $a (call lookup "k" String "first" "d"))"#);
    assert_eq!(p("validate_re($x, '^a')"), r#"(call validate_re $x "^a")"#);
    assert_eq!(p("validate_string $x"), "(call validate_string $x)");
    assert_eq!(
        p("$u = $names.map |$n| { \"${n}.x\" }.join(',')"),
        r#"(= $u (.join (.map $names  |$n| {(str $n ".x")}) ","))"#
    );
}

#[test]
fn lambdas() {
    assert_eq!(
        p("$sites.each |String $name, Hash $cfg| { site { $name: * => $cfg } }"),
        "(.each $sites  |String:$name Hash:$cfg| {(site $name: *=>$cfg)})"
    );
    assert_eq!(p("each($xs) |$x| { notice($x) }"), "(call each $xs |$x| {(call notice $x)})");
}

#[test]
fn collectors_virtual_and_exported_resources() {
    assert_eq!(p("User <| groups == 'ops' |>"), r#"(<||> User (== groups "ops") )"#);
    assert_eq!(p("Nagios_service <<| |>>"), "(<<||>> Nagios_service  )");
    assert_eq!(p("File <| tag == 'x' |> { mode => '0600' }"), r#"(<||> File (== tag "x") mode=>"0600")"#);
    assert_eq!(p("@user { 'bob': uid => 1 }"), r#"(@user "bob": uid=>1)"#);
    assert_eq!(
        p("@@nagios_host { $::fqdn: address => $::ipaddress }"),
        "(@@nagios_host $::fqdn: address=>$::ipaddress)"
    );
    assert_eq!(p("realize User['bob']"), r#"(call realize User["bob"])"#);
}

#[test]
fn class_resource_form() {
    assert_eq!(p("class { 'memcached': size => 64 }"), r#"(class "memcached": size=>64)"#);
    assert_eq!(p("class { '::memcached': }"), r#"(class "::memcached": )"#);
}

#[test]
fn heredocs() {
    assert_eq!(p("$a = @(END)\nplain ${x}\nEND\n$b = 1"), r#"(= $a "plain ${x}\n") (= $b 1)"#);
    assert_eq!(p("$a = @(\"END\")\n  v=${x}\n  | END\n"), r#"(= $a (str "v=" $x "\n"))"#);
    assert_eq!(p("$a = @(\"END\"/L)\n    one\n    two\n    |- END\n$b = 2"), r#"(= $a "one\ntwo") (= $b 2)"#);
    assert_eq!(
        p("file { '/a': content => @(END), mode => '0600' }\ntext\nEND\n"),
        r#"(file "/a": content=>"text\n" mode=>"0600")"#
    );
}

#[test]
fn comments() {
    assert_eq!(p("# one\n/* two\n three */ $a = 1 # three\n"), "(= $a 1)");
}

#[test]
fn regexes_in_case_and_if() {
    assert_eq!(p("if $h =~ /^(db|es)\\d+$/ { }"), r"(if (=~ $h /^(db|es)\d+$/) {} {})");
    assert_eq!(p("if $h !~ /x/ { }"), "(if (!~ $h /x/) {} {})");
    assert_eq!(p("$x = 4 / 2"), "(= $x (/ 4 2))");
}

#[test]
fn node_definitions() {
    assert_eq!(
        p("node 'db1.x', /^es\\d+/ { include role::db }"),
        r#"(node "db1.x" /^es\d+/ {(call include role::db)})"#
    );
    assert_eq!(p("node default { }"), "(node default {})");
}

#[test]
fn constructs_not_modelled_stay_opaque() {
    assert_eq!(
        p("function m::f(String $x) >> String { \"${x}!\" }\n$a = 1"),
        r#"(opaque "function m::f(String") (= $a 1)"#
    );
    assert_eq!(p("type M::Port = Integer[1, 65535]\n"), r#"(opaque "type M::Port")"#);
}

#[test]
fn syntax_errors_name_line_and_column() {
    assert_eq!(err("class x {\n  file { '/a' ensure => file }\n}"), "2:15: expected `:`, found `ensure`");
    assert_eq!(err("class x {\n  $a = 'open\n"), "2:8: unterminated string");
    assert_eq!(err("if $a { "), "1:9: expected `}`, found the end of the file");
    assert_eq!(err("$a = @(END)\nno end\n"), "1:6: heredoc `END` has no end line");
    assert_eq!(err("$a = \"${x\"\n"), "1:8: unterminated `${` in string");
    assert_eq!(err("/* never closed"), "1:1: unterminated `/*` comment");
    assert_eq!(err("$x = ~"), "1:6: unexpected character `~`");
}

#[test]
fn nodes_carry_their_positions() {
    let m = parse("class a {\n  package { 'x':\n    ensure => present,\n  }\n}\n").unwrap();
    let ExprKind::Class(d) = &m.body[0].kind else { panic!() };
    let r = &d.body[0];
    assert_eq!((r.span.start.line, r.span.start.column), (2, 3));
    let ExprKind::Resource { bodies, .. } = &r.kind else { panic!() };
    assert_eq!((bodies[0].attrs[0].span.start.line, bodies[0].attrs[0].span.start.column), (3, 5));
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let src = format!("$a = {}1{}", "[".repeat(5000), "]".repeat(5000));
    assert!(err(&src).contains("nest too deeply"));
    let src = format!("$a = {}1", "!".repeat(5000));
    assert!(err(&src).contains("nest too deeply"));
}

// ERB

fn e(src: &str) -> Vec<ErbNode> {
    erb::parse(src).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn erb_output_code_comments_and_trimming() {
    let nodes = e("a <%= @port %>\n  <%- if @x -%>\nyes\n  <%- end -%>\n<%# gone %>b <%% c");
    let mut shown = Vec::new();
    for n in &nodes {
        shown.push(match n {
            ErbNode::Text(t) => format!("{t:?}"),
            ErbNode::Output(x, pos) => format!("out({x:?})@{}:{}", pos.line, pos.column),
            ErbNode::If { cond, then, .. } => format!("if({cond:?}, {} nodes)", then.len()),
            other => format!("{other:?}"),
        });
    }
    assert_eq!(
        shown,
        vec![
            r#""a ""#.to_string(),
            r#"out(Var("port"))@1:3"#.into(),
            r#""\n""#.into(),
            r#"if(Var("x"), 1 nodes)"#.into(),
            r#""b <% c""#.into()
        ]
    );
    let ErbNode::If { then, .. } = &nodes[3] else { panic!() };
    assert_eq!(then, &vec![ErbNode::Text("yes\n".into())]);
}

#[test]
fn erb_variables_in_every_spelling() {
    for (src, want) in [
        ("<%= @a %>", RbExpr::Var("a".into())),
        ("<%= scope['m::a'] %>", RbExpr::Var("m::a".into())),
        ("<%= scope.lookupvar('::fqdn') %>", RbExpr::Var("::fqdn".into())),
        ("<%= scope[\"a\"] %>", RbExpr::Var("a".into())),
    ] {
        let nodes = e(src);
        assert!(matches!(&nodes[0], ErbNode::Output(x, _) if *x == want), "{src}: {nodes:?}");
    }
}

#[test]
fn erb_conditionals_and_loops() {
    let nodes = e("<% if @a -%>A<% elsif @b == 'x' -%>B<% else -%>C<% end -%><% unless @c.empty? %>D<% end %><% @l.sort.each do |x| %><%= x %><% end %><% @h.each_pair do |k, v| %><%= k %>=<%= v %><% end %>");
    let ErbNode::If { cond, negated: false, then, otherwise, .. } = &nodes[0] else { panic!("{nodes:?}") };
    assert_eq!(cond, &RbExpr::Var("a".into()));
    assert_eq!(then, &vec![ErbNode::Text("A".into())]);
    let [ErbNode::If { cond: c2, otherwise: o2, .. }] = otherwise.as_slice() else { panic!("{otherwise:?}") };
    assert_eq!(c2, &RbExpr::Binary("==", Box::new(RbExpr::Var("b".into())), Box::new(RbExpr::Str("x".into()))));
    assert_eq!(o2, &vec![ErbNode::Text("C".into())]);
    assert!(matches!(&nodes[1], ErbNode::If { negated: true, cond: RbExpr::Method(_, m, _), .. } if m == "empty?"));
    let ErbNode::Each { collection, vars, body, .. } = &nodes[2] else { panic!() };
    assert_eq!(collection, &RbExpr::Method(Box::new(RbExpr::Var("l".into())), "sort".into(), vec![]));
    assert_eq!(vars, &vec!["x".to_string()]);
    assert_eq!(body, &vec![ErbNode::Output(RbExpr::Local("x".into()), body_pos(body))]);
    assert!(matches!(&nodes[3], ErbNode::Each { vars, .. } if vars.len() == 2));
}

fn body_pos(body: &[ErbNode]) -> formula_puppet::Pos {
    match &body[0] {
        ErbNode::Output(_, pos) => *pos,
        _ => panic!(),
    }
}

#[test]
fn erb_ruby_it_cannot_read_stays_opaque() {
    let nodes = e("<% @l.each_with_index do |x, i| %><%= i %><% end %><%= @a.map { |x| x * 2 } %><% case @x\n when 1 %>one<% end %>");
    assert!(matches!(&nodes[0], ErbNode::Opaque(code, _) if code.starts_with("@l.each_with_index")));
    assert!(matches!(&nodes[1], ErbNode::Output(RbExpr::Opaque(_), _)));
    assert!(matches!(&nodes[2], ErbNode::Opaque(code, _) if code.starts_with("case")));
}

#[test]
fn erb_errors_name_the_line() {
    assert_eq!(erb::parse("a\n<% if @x %>\nb").unwrap_err().to_string(), "2:1: block is never closed with `end`");
    assert_eq!(erb::parse("<% end %>").unwrap_err().to_string(), "1:1: `end` without an open block");
    assert_eq!(erb::parse("x\n  <%= @a").unwrap_err().to_string(), "2:3: `<%` without `%>`");
}

#[test]
fn deep_erb_is_opaque_not_a_stack_overflow() {
    let src = format!("<%= {}1{} %>", "(".repeat(5000), ")".repeat(5000));
    assert!(matches!(&e(&src)[0], ErbNode::Output(RbExpr::Opaque(_), _)));
    let src = format!("<%= {}@a %>", "!".repeat(5000));
    assert!(matches!(&e(&src)[0], ErbNode::Output(RbExpr::Opaque(_), _)));
}

#[test]
fn odd_inputs_are_errors_or_trees_never_panics() {
    for src in [
        "$a = @(\"E\")\n    ${ class a {} }\n    | E\n",
        "$a = @(\"E\")\n\u{e9}${ define d {} }\nE\n",
        "$a = \"${\u{e9}}\"",
        "@(E)@(F)\nE\nF\n",
        "class { 'a': } -> ",
        "node",
        "$x = [",
        "'\\",
        "\"\\",
    ] {
        let _ = parse(src);
    }
}

#[test]
fn what_puppet_7_accepts_in_debians_modules() {
    // A keyword names the variable of an interpolation.
    assert_eq!(p(r#"$q = "select ${unless}(1)""#), r#"(= $q (str "select " $unless "(1)"))"#);
    // Bare words hold hyphens; variables do not.
    assert_eq!(p("$h = { display-name => $a-1 }"), r#"(= $h {display-name=>(- $a 1)})"#);
    // `present {` in a condition opens its body.
    assert_eq!(p("if $ensure == present { include x }"), r#"(if (== $ensure present) {(call include x)} {})"#);
    assert_eq!(p("case $x { present: { } }"), r#"(case $x present: {})"#);
    // A call with a space before its parentheses, and a type called as a function.
    assert_eq!(p("ensure_packages ( 'lvm2', {})"), r#"(call ensure_packages "lvm2" {})"#);
    assert_eq!(p("$s = String($port)"), r#"(= $s (call String $port))"#);
    // Collectors anywhere in chains, Puppet 3's hyphenated types among them.
    assert_eq!(
        p("File <| tag == 'a' |> -> Package <| |> ~> Service['s']"),
        r#"(~> (-> (<||> File (== tag "a") ) (<||> Package  )) Service["s"])"#
    );
    assert_eq!(p("Mw-extension <| |> -> Exec['x']"), r#"(-> (<||> Mw-extension  ) Exec["x"])"#);
    // Functions and type aliases written in Puppet.
    assert_eq!(p("function m::f(Integer $x) >> Integer { $x * 2 }"), r#"(opaque "function m::f(Integer")"#);
    assert_eq!(p("type M::Port = Integer[1, 65535]"), r#"(opaque "type M::Port")"#);
    // What Puppet refuses, we refuse.
    assert_eq!(err("$h = { class => 1 }"), "1:14: expected a name");
}
