# The fog-node VM (giraff.md §11.3): k3s with GIRAFF's flags, OpenFaaS applied at boot, the GIRAFF-TS fog-node
# agent and proxy as services, GIRAFF's sysctls, sshd with keys from the NFS home or a file, DHCP on eth0 (the
# MAC plan gives each VM its address), and the kernel modules network emulation needs (tc HTB, netem, u32).
{ config, lib, pkgs, ... }:

let
  cfg = config.giraff;
  repo = "${cfg.package}/lib/giraff-ts";
  # Node 22 LTS: nodejs_20 reached end of life in April 2026 and is marked insecure in nixpkgs 26.05 (the
  # repository needs Node >= 20.19, package.json "engines"). The same Node as nix/giraff-ts.nix.
  nodejs = pkgs.nodejs_22;
  k3s = config.services.k3s.package;
  # One service per runtime entry point, run from the packaged repository with tsx, configured by the
  # environment file the deployment writes (so one image serves every node and strategy).
  runtimeService = description: entry: {
    inherit description;
    after = [ "network-online.target" "k3s.service" ];
    wants = [ "network-online.target" ];
    wantedBy = [ "multi-user.target" ];
    unitConfig.ConditionPathExists = cfg.envFile;
    serviceConfig = {
      WorkingDirectory = repo;
      EnvironmentFile = cfg.envFile;
      ExecStart = "${nodejs}/bin/node --import tsx ${repo}/${entry}";
      Restart = "on-failure";
      RestartSec = 2;
      LimitNOFILE = 1048576;
    };
  };
in
{
  # Every image k3s runs is in the VM image (k3s's own, OpenFaaS's, the functions'): no registry is needed.
  imports = [ ./offline-images.nix ];

  options.giraff = with lib; {
    package = mkOption {
      type = types.package;
      description = "The packaged repository (nix/giraff-ts.nix).";
    };
    site = mkOption {
      type = types.str;
      default = "nancy";
      description = "Grid'5000 site: NTP server and NFS home.";
    };
    login = mkOption {
      type = types.nullOr types.str;
      default = null;
      description = "Grid'5000 login whose NFS home (/nfs) provides root's SSH keys, as GIRAFF does; null: no NFS.";
    };
    authorizedKeysFile = mkOption {
      type = types.nullOr types.path;
      default = null;
      description = "A file of SSH public keys baked into the image for root (instead of, or besides, NFS).";
    };
    envFile = mkOption {
      type = types.str;
      default = "/etc/giraff/node.env";
      description = "Environment of the runtime services, written by the deployment; they start once it exists.";
    };
    nodeEntry = mkOption {
      type = types.str;
      default = "runtime/node/cli.ts";
      description = "Fog-node agent entry point, relative to the repository.";
    };
    proxyEntry = mkOption {
      type = types.str;
      default = "runtime/proxy/cli.ts";
      description = "Chaining proxy entry point, relative to the repository.";
    };
  };

  config = {
    # The release pinned in flake.nix. Every VM boots from a fresh overlay of the image (vms/), so there is no
    # state from an older release to keep compatible with.
    system.stateVersion = "26.05";

    boot.kernelModules = [ "sch_htb" "sch_netem" "cls_u32" ];
    boot.kernel.sysctl = {
      "kernel.threads-max" = 2000000;
      "kernel.pid_max" = 2000000;
      "vm.max_map_count" = 6000000;
      "net.core.default_qdisc" = "cake";
      "net.ipv4.tcp_ecn" = 1;
      "net.ipv4.tcp_sack" = 1;
      "net.ipv4.tcp_dsack" = 1;
      "net.ipv4.ip_forward" = 1;
      # Emulated delay keeps packets queued: larger socket buffers keep senders from stalling.
      "net.core.rmem_max" = 12582912;
      "net.core.wmem_max" = 12582912;
    };

    networking = {
      hostName = "";
      useDHCP = true;
      usePredictableInterfaceNames = false;
      firewall.enable = false;
    };
    services.chrony = {
      enable = true;
      servers = [ "ntp.${cfg.site}.grid5000.fr" ];
    };

    services.openssh = {
      enable = true;
      settings.PermitRootLogin = "prohibit-password";
      settings.PasswordAuthentication = false;
    };
    users.users.root.openssh.authorizedKeys.keyFiles = lib.optional (cfg.authorizedKeysFile != null) cfg.authorizedKeysFile;
    # Root's keys as the provider's libvirt domain hands them over (orchestrator/providers/grid5000/vms/domain-xml.ts):
    # the systemd credential `ssh.authorized_keys.root` from the SMBIOS OEM strings, written by systemd-tmpfiles
    # early at boot, before sshd, as systemd's own provision.conf does (spelled out here so the image does not
    # depend on NixOS shipping that file). No credential: nothing is written.
    systemd.tmpfiles.settings."10-giraff-root-keys" = {
      "/root/.ssh".d = { mode = "0700"; user = "root"; group = "root"; };
      "/root/.ssh/authorized_keys"."f^" = {
        mode = "0600";
        user = "root";
        group = "root";
        argument = "ssh.authorized_keys.root";
      };
    };

    fileSystems."/nfs" = lib.mkIf (cfg.login != null) {
      device = "nfs:/export/home/${cfg.login}";
      fsType = "nfs";
      options = [ "ro" "nofail" "_netdev" "x-systemd.mount-timeout=60" ];
    };
    # The NFS home may refuse the VM for a while (the provider grants storage access to the VM's address, maybe
    # after it booted), and a mount unit that failed once is not retried: so the unit (re)starts the mount itself
    # and systemd restarts it every 5 s, without a start limit, until the keys are copied.
    systemd.services.giraff-nfs-keys = lib.mkIf (cfg.login != null) {
      description = "Copy root's SSH keys from the NFS home (GIRAFF's key injection)";
      after = [ "network-online.target" ];
      wants = [ "network-online.target" ];
      wantedBy = [ "multi-user.target" ];
      unitConfig.StartLimitIntervalSec = 0;
      serviceConfig = {
        Type = "oneshot";
        Restart = "on-failure";
        RestartSec = 5;
      };
      script = ''
        systemctl start nfs.mount
        test -s /nfs/.ssh/authorized_keys
        install -d -m 700 /root/.ssh
        # added to the keys the credential may have written, not in their place
        keys=$(mktemp)
        { if [ -f /root/.ssh/authorized_keys ]; then cat /root/.ssh/authorized_keys; fi; cat /nfs/.ssh/authorized_keys; } \
          | sort -u > "$keys"
        install -m 600 "$keys" /root/.ssh/authorized_keys
        rm -f "$keys"
      '';
    };

    services.k3s = {
      enable = true;
      role = "server";
      # A list: the option is `either str (listOf str)` in current nixpkgs, joined with spaces into ExecStart.
      extraFlags = [
        "--disable traefik,local-storage,servicelb"
        "--flannel-backend=host-gw"
        "--disable-network-policy"
        "--disable-cloud-controller"
        "--write-kubeconfig-mode=0644"
      ];
    };
    # Nothing the image runs is pulled (offline-images.nix); the mirrors serve only images a user adds by hand.
    environment.etc."rancher/k3s/registries.yaml".text = ''
      mirrors:
        docker.io:
          endpoint: ["http://docker-cache.grid5000.fr"]
        registry.k8s.io:
          endpoint: ["http://docker-cache.grid5000.fr"]
    '';

    systemd.services.openfaas-apply = {
      description = "Apply the OpenFaaS manifests to k3s";
      after = [ "k3s.service" ];
      requires = [ "k3s.service" ];
      wantedBy = [ "multi-user.target" ];
      path = [ k3s pkgs.coreutils ];
      environment.KUBECONFIG = "/etc/rancher/k3s/k3s.yaml";
      serviceConfig = {
        Type = "oneshot";
        RemainAfterExit = true;
        TimeoutStartSec = 600;
      };
      script = ''
        until kubectl get --raw /readyz >/dev/null 2>&1; do sleep 2; done
        kubectl apply -f ${./openfaas}/namespaces.yml
        # The gateway's basic auth: a password made once per VM, readable by root only; the fog node reads it
        # through GIRAFF_FAAS_PASSWORD_FILE (set by the Grid'5000 provider).
        install -d -m 755 /etc/giraff
        if [ ! -s /etc/giraff/openfaas-password ]; then
          (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=\n' > /etc/giraff/openfaas-password)
        fi
        kubectl -n openfaas create secret generic basic-auth \
          --from-literal=basic-auth-user=admin \
          --from-file=basic-auth-password=/etc/giraff/openfaas-password \
          --dry-run=client -o yaml | kubectl apply -f -
        kubectl apply -f ${./openfaas}/gateway.json
        kubectl -n openfaas rollout status deploy/gateway --timeout=300s
      '';
    };

    # The Grid'5000 provider starts the runtime from a fixed path (G5K_VM_REPO, default /opt/giraff-ts).
    systemd.tmpfiles.rules = [ "L+ /opt/giraff-ts - - - - ${repo}" ];

    systemd.services.giraff-node = runtimeService "GIRAFF-TS fog-node agent" cfg.nodeEntry;
    systemd.services.giraff-proxy = runtimeService "GIRAFF-TS chaining proxy" cfg.proxyEntry;

    environment.systemPackages = [ nodejs k3s ] ++ (with pkgs; [ iproute2 iputils jq ]);
  };
}
