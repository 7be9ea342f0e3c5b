package main

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/strangler-dev/strangler/routes"
)

// k8sObject is the part of a manifest the checks read.
type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"metadata"`
	Data map[string]string `yaml:"data"`
	Spec struct {
		Replicas *int `yaml:"replicas"`
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec struct {
				Containers []struct {
					Name  string   `yaml:"name"`
					Image string   `yaml:"image"`
					Args  []string `yaml:"args"`
					Ports []struct {
						Name          string `yaml:"name"`
						ContainerPort int    `yaml:"containerPort"`
					} `yaml:"ports"`
				} `yaml:"containers"`
				Volumes []struct {
					Name      string `yaml:"name"`
					ConfigMap *struct {
						Name string `yaml:"name"`
					} `yaml:"configMap"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
		ServiceSelector map[string]string `yaml:"-"`
		Ports           []struct {
			Name string `yaml:"name"`
			Port int    `yaml:"port"`
		} `yaml:"ports"`
	} `yaml:"spec"`
	raw map[string]any
}

func loadManifests(t *testing.T) map[string]*k8sObject {
	t.Helper()
	files, err := filepath.Glob("../../envoy/k8s/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	objs := map[string]*k8sObject{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var node yaml.Node
			if err := dec.Decode(&node); errors.Is(err, io.EOF) {
				break
			} else {
				require.NoError(t, err, f)
			}
			o := &k8sObject{}
			require.NoError(t, node.Decode(o), f)
			require.NoError(t, node.Decode(&o.raw), f)
			if o.Kind == "Service" {
				sel, _ := o.raw["spec"].(map[string]any)["selector"].(map[string]any)
				o.Spec.ServiceSelector = map[string]string{}
				for k, v := range sel {
					o.Spec.ServiceSelector[k] = v.(string)
				}
			}
			key := o.Kind + "/" + o.Metadata.Name
			require.NotContains(t, objs, key, "%s defined twice", key)
			require.NotEmpty(t, o.Metadata.Name, "%s: a %s without a name", f, o.Kind)
			if o.Kind != "Namespace" {
				assert.Equal(t, "strangler", o.Metadata.Namespace, key)
			}
			objs[key] = o
		}
	}
	return objs
}

func subset(small, big map[string]string) bool {
	for k, v := range small {
		if big[k] != v {
			return false
		}
	}
	return len(small) > 0
}

// serviceFor finds the Service a cluster DNS name (svc.ns.svc.cluster.local) and port point at.
func serviceFor(t *testing.T, objs map[string]*k8sObject, host string, port int) {
	t.Helper()
	name := strings.Split(host, ".")[0]
	svc := objs["Service/"+name]
	require.NotNil(t, svc, "no Service for %s", host)
	for _, p := range svc.Spec.Ports {
		if p.Port == port {
			return
		}
	}
	t.Errorf("Service %s has no port %d", name, port)
}

func TestKubernetesManifests(t *testing.T) {
	objs := loadManifests(t)
	root := newRootCommand()
	for key, o := range objs {
		switch o.Kind {
		case "Deployment":
			assert.True(t, subset(o.Spec.Selector.MatchLabels, o.Spec.Template.Metadata.Labels), "%s: selector does not match its pods", key)
			for _, v := range o.Spec.Template.Spec.Volumes {
				if v.ConfigMap != nil {
					assert.Contains(t, objs, "ConfigMap/"+v.ConfigMap.Name, "%s mounts a missing ConfigMap", key)
				}
			}
			for _, c := range o.Spec.Template.Spec.Containers {
				if !strings.HasPrefix(c.Image, "strangler") {
					continue
				}
				// Every strangler container runs a real command with flags it accepts.
				cmd, rest, err := root.Find(c.Args)
				require.NoError(t, err, key)
				require.NotEqual(t, root, cmd, "%s: %v names no strangler command", key, c.Args)
				require.NoError(t, cmd.ParseFlags(rest), "%s: %v", key, c.Args)
			}
		case "Service":
			found := false
			for _, d := range objs {
				if d.Kind == "Deployment" && subset(o.Spec.ServiceSelector, d.Spec.Template.Metadata.Labels) {
					found = true
				}
			}
			assert.True(t, found, "%s selects no pods", key)
		}
	}
	assert.Equal(t, 2, *objs["Deployment/strangler"].Spec.Replicas, "the control plane runs two replicas")

	// The route file validates, and the addresses in it are Services here.
	cm := objs["ConfigMap/strangler-routes"]
	require.NotNil(t, cm)
	f, err := routes.Parse("strangler-routes", []byte(cm.Data["routes.yaml"]))
	require.NoError(t, err)
	serviceFor(t, objs, f.RateLimit.Address.Host, int(f.RateLimit.Address.Port))
	serviceFor(t, objs, f.CacheService.Address.Host, int(f.CacheService.Address.Port))
	serviceFor(t, objs, f.ShadowService.Address.Host, int(f.ShadowService.Address.Port))
	u, err := url.Parse(f.Redis.URL)
	require.NoError(t, err)
	serviceFor(t, objs, u.Hostname(), 6379)

	// Envoy's bootstrap is what `strangler bootstrap` prints for the control plane's Service.
	out, _, code := run(t, "bootstrap", "--xds", "strangler-xds.strangler.svc.cluster.local:18000", "--node", "envoy", "--cluster", "edge")
	require.Equal(t, 0, code)
	assert.Equal(t, out, objs["ConfigMap/envoy-bootstrap"].Data["bootstrap.yaml"])
	serviceFor(t, objs, "strangler-xds", 18000)
}

// TestComposeFile: the compose stack's route file validates, and every host in
// it is a compose service; every strangler command in it exists.
func TestComposeFile(t *testing.T) {
	var compose struct {
		Services map[string]struct {
			Build   any      `yaml:"build"`
			Command []string `yaml:"command"`
		} `yaml:"services"`
	}
	data, err := os.ReadFile("../../envoy/docker-compose.yml")
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, &compose))
	f, err := routes.Load("../../routes/examples/compose.yaml")
	require.NoError(t, err)
	hosts := []string{f.RateLimit.Address.Host, f.CacheService.Address.Host, f.ShadowService.Address.Host}
	for _, b := range f.Backends {
		for _, e := range b.Endpoints {
			hosts = append(hosts, e.Host)
		}
	}
	u, err := url.Parse(f.Redis.URL)
	require.NoError(t, err)
	hosts = append(hosts, u.Hostname())
	for _, h := range hosts {
		assert.Contains(t, compose.Services, h, "route file host %q is no compose service", h)
	}
	root := newRootCommand()
	for name, svc := range compose.Services {
		if svc.Build == nil {
			continue
		}
		cmd, rest, err := root.Find(svc.Command)
		require.NoError(t, err, name)
		require.NotEqual(t, root, cmd, name)
		require.NoError(t, cmd.ParseFlags(rest), name)
	}
}
