# gunicorn settings of a web node: deploy/systemd/agepartners-web.service starts gunicorn
# with this file, and so does the multi-host harness (hosts/cluster.py), so what `make hosts`
# proves is what operators run. The node's size comes from the environment file
# (deploy/agepartners.env: WEB_BIND, WEB_WORKERS, WEB_THREADS).
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "3"))
# Threads: a request that waits (PostgreSQL, the object store, a slow upload that nginx
# has already buffered) does not hold a whole process; each thread keeps its own
# database connection.
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "8"))

# Below nginx's proxy_read_timeout (60 s): a stuck request is ended and answered by
# gunicorn rather than cut off by the proxy.
timeout = 55
graceful_timeout = 30

# nginx keeps idle connections to this node open for reuse (`keepalive` and
# `keepalive_timeout 30s` in the site's upstream block). The side that gives up on an idle
# connection must be nginx: if gunicorn closes it first, nginx can write the next request
# into the connection just as it is closed (more likely on a busy machine, where gunicorn's
# main loop runs late), gets a reset and, for a POST it has already sent, may not resend
# it to the other node; the visitor gets a 502 from a node that is up. gunicorn's default
# is 2 s; a generous margin over nginx's 30 s covers a stalled event loop.
keepalive = 60

# The access log goes to the journal (stdout); nginx's log says which node answered.
accesslog = "-"
# nginx on the load balancer is the only client (firewall the port); it sets
# X-Forwarded-Proto and X-Forwarded-For, which Django reads (DJANGO_BEHIND_TLS_PROXY).
forwarded_allow_ips = "*"
# No runtime control socket: reload is `systemctl reload` (SIGHUP); several gunicorns on one
# filesystem (the harness's hosts) would otherwise share its default path.
control_socket_disable = True
