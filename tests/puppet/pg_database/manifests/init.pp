# Class: pg_database
#
# A PostgreSQL server with one database and its owner, created once by guarded execs, in the
# way the operations/puppet database roles set up their schemas.
#
# @param db_name The database to create.
# @param owner The role that owns it.
# @param max_connections PostgreSQL's max_connections.
# @param shared_buffers PostgreSQL's shared_buffers.
# @param allowed_network Clients allowed to connect (CIDR).
class pg_database(
    String  $db_name         = 'wiki',
    String  $owner           = 'wikiuser',
    Integer $max_connections = 100,
    String  $shared_buffers  = '128MB',
    String  $allowed_network = '10.0.0.0/8',
) {
    $state_dir = '/var/lib/pg_database'
    $pg_conf = '/etc/postgresql/14/main'

    package { ['postgresql-14', 'postgresql-client-14']:
        ensure => present,
    }

    file { $state_dir:
        ensure => directory,
        mode   => '0700',
    }

    file { "${pg_conf}/conf.d/tuning.conf":
        content => template('pg_database/tuning.conf.erb'),
        require => Package['postgresql-14'],
        notify  => Service['postgresql'],
    }

    file { "${pg_conf}/pg_hba.conf":
        content => @("HBA"/L)
            # Managed by Puppet (pg_database)
            local   all   postgres                 peer
            local   all   all                      peer
            host    ${db_name}   ${owner}   ${allowed_network}   scram-sha-256
            | HBA
    }

    exec { 'pg-reload':
        command     => 'pg_ctlcluster 14 main reload',
        path        => ['/usr/bin', '/bin'],
        refreshonly => true,
        subscribe   => File["${pg_conf}/pg_hba.conf"],
    }

    exec { "create-role-${owner}":
        command => "createuser --no-superuser ${owner} && echo ${owner} >> ${state_dir}/roles",
        unless  => "grep -qx ${owner} ${state_dir}/roles",
        path    => '/usr/bin:/bin',
        require => File[$state_dir],
    }

    exec { "create-db-${db_name}":
        command => "createdb -O ${owner} ${db_name} && echo ${db_name} >> ${state_dir}/databases",
        unless  => "grep -qx ${db_name} ${state_dir}/databases",
        path    => ['/usr/bin', '/bin'],
        require => Exec["create-role-${owner}"],
    }

    exec { 'load-schema':
        command => "psql --quiet ${db_name} -c 'CREATE TABLE IF NOT EXISTS page (id serial)' && touch ${state_dir}/schema-loaded",
        creates => "${state_dir}/schema-loaded",
        path    => ['/usr/bin', '/bin'],
        require => Exec["create-db-${db_name}"],
    }

    exec { 'analyze-after-load':
        command     => "vacuumdb --analyze-only ${db_name}",
        onlyif      => "test -e ${state_dir}/schema-loaded",
        path        => ['/usr/bin', '/bin'],
        refreshonly => true,
    }

    Exec['load-schema'] ~> Exec['analyze-after-load']

    service { 'postgresql':
        ensure     => running,
        enable     => true,
        hasrestart => true,
    }
}
