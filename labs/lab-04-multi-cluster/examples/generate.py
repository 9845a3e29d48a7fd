# Regenerates Lab 4's example snapshots (kubectl-style List dumps, one per cluster) from solution/, each mistake
# as a small change to the solution's manifests, with Karmada's placement worked out as the lab's test plays it.
# Usage: python3 examples/generate.py labs/lab-04-multi-cluster    (PyYAML). It never touches expected.yaml: the
# expectations are written from the rubric by hand.
import copy, os, sys, yaml
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOL = os.path.join(ROOT, 'solution')
MEMBERS = ['lab-04-member-a', 'lab-04-member-b']
TS = '2026-11-20T10:00:00Z'

def load(path):
    return [d for d in yaml.safe_load_all(open(path)) if d]

def meta(o, **extra):
    o = copy.deepcopy(o)
    o['metadata'].setdefault('creationTimestamp', TS)
    o['metadata'].update(extra)
    return o

def node(cluster, role, cidr, ready=True):
    name = f'{cluster}-{role}'
    labels = {'kubernetes.io/hostname': name}
    if role == 'control-plane': labels['node-role.kubernetes.io/control-plane'] = ''
    return {'apiVersion': 'v1', 'kind': 'Node', 'metadata': {'name': name, 'labels': labels, 'creationTimestamp': TS},
            'spec': {'podCIDR': cidr, 'podCIDRs': [cidr], 'providerID': f'kind://docker/{cluster}/{name}'},
            'status': {'conditions': [{'type': 'Ready', 'status': 'True' if ready else 'False',
                                       'reason': 'KubeletReady' if ready else 'KubeletNotReady'}],
                       'nodeInfo': {'kubeletVersion': 'v1.31.2'}}}

def deploy_status(n):
    return {'observedGeneration': 1, 'replicas': n, 'readyReplicas': n, 'availableReplicas': n, 'updatedReplicas': n,
            'conditions': [{'type': 'Available', 'status': 'True'}]}

def hub_state(runbook=True, cidrs=('10.10.0.0/24',)):
    items = [node('lab-04-hub', 'control-plane', cidrs[0])]
    for d in ['etcd', 'karmada-apiserver', 'karmada-aggregated-apiserver', 'kube-controller-manager',
              'karmada-controller-manager', 'karmada-scheduler', 'karmada-webhook']:
        kind = 'StatefulSet' if d == 'etcd' else 'Deployment'
        items.append({'apiVersion': 'apps/v1', 'kind': kind,
                      'metadata': {'name': d, 'namespace': 'karmada-system', 'creationTimestamp': TS},
                      'spec': {'replicas': 1}, 'status': deploy_status(1) if kind == 'Deployment' else
                      {'replicas': 1, 'readyReplicas': 1, 'availableReplicas': 1}})
    if runbook:
        items.append({'apiVersion': 'v1', 'kind': 'ConfigMap',
                      'metadata': {'name': 'failover-runbook', 'namespace': 'default', 'creationTimestamp': TS},
                      'data': {'RUNBOOK.md': open(os.path.join(SOL, 'runbook/RUNBOOK.md')).read()}})
    return items

def matches(sel, o):
    if sel['apiVersion'] != o['apiVersion'] or sel['kind'] != o['kind']: return False
    if 'name' in sel and sel['name'] != o['metadata']['name']: return False
    ml = sel.get('labelSelector', {}).get('matchLabels', {})
    labels = o['metadata'].get('labels', {})
    return all(labels.get(k) == v for k, v in ml.items())

def rb_name(o):
    return o['metadata']['name'] + '-' + o['kind'].lower()

def federate(templates, policies):
    """Karmada's outcome for these templates and policies: bindings, and what lands in each member."""
    bindings, member = [], {m: [] for m in MEMBERS}
    for o in templates:
        if o['kind'] == 'Namespace':
            for m in MEMBERS:
                member[m].append({'apiVersion': 'v1', 'kind': 'Namespace', 'metadata': {'name': o['metadata']['name'],
                                  'labels': {'karmada.io/managed': 'true'}, 'creationTimestamp': TS},
                                  'status': {'phase': 'Active'}})
            continue
        pol = None
        for p in policies:
            if p['kind'] == 'PropagationPolicy' and p['metadata'].get('namespace') != o['metadata'].get('namespace'):
                continue
            if any(matches(s, o) for s in p['spec']['resourceSelectors']):
                pol = p
                break
        if pol is None: continue
        names = pol['spec']['placement'].get('clusterAffinity', {}).get('clusterNames', MEMBERS)
        targets = [m for m in MEMBERS if m in names]
        replicas = o.get('spec', {}).get('replicas') if o['kind'] == 'Deployment' else None
        rs = pol['spec']['placement'].get('replicaScheduling', {})
        per = {}
        for i, m in enumerate(targets):
            if replicas is None: per[m] = None
            elif rs.get('replicaSchedulingType') == 'Divided':
                per[m] = replicas // len(targets) + (1 if i < replicas % len(targets) else 0)
            else: per[m] = replicas
        ns = o['metadata'].get('namespace')
        rb = {'apiVersion': 'work.karmada.io/v1alpha2',
              'kind': 'ResourceBinding' if ns else 'ClusterResourceBinding',
              'metadata': {'name': rb_name(o), 'creationTimestamp': TS,
                           'labels': {('propagationpolicy.karmada.io/name' if pol['kind'] == 'PropagationPolicy'
                                       else 'clusterpropagationpolicy.karmada.io/name'): pol['metadata']['name']}},
              'spec': {'resource': {'apiVersion': o['apiVersion'], 'kind': o['kind'], 'name': o['metadata']['name']},
                       'placement': copy.deepcopy(pol['spec']['placement']),
                       'clusters': [dict({'name': m}, **({'replicas': per[m]} if per[m] is not None else {}))
                                    for m in targets]},
              'status': {'conditions': [{'type': 'Scheduled', 'status': 'True' if targets else 'False',
                                         'reason': 'Success' if targets else 'NoClusterFit'}]}}
        if ns:
            rb['metadata']['namespace'] = ns
            rb['spec']['resource']['namespace'] = ns
        if replicas is not None: rb['spec']['replicas'] = replicas
        if targets:
            rb['status']['conditions'].append({'type': 'FullyApplied', 'status': 'True', 'reason': 'FullyAppliedSuccess'})
            rb['status']['aggregatedStatus'] = [{'clusterName': m, 'applied': True, 'health': 'Healthy'} for m in targets]
        bindings.append(rb)
        for m in targets:
            c = copy.deepcopy(o)
            c['metadata'].setdefault('labels', {})['karmada.io/managed'] = 'true'
            if per[m] is not None:
                c['spec']['replicas'] = per[m]
                c['status'] = deploy_status(per[m])
            member[m].append(c)
            if o['kind'] == 'ServiceImport':
                member[m].append({'apiVersion': 'v1', 'kind': 'Service',
                                  'metadata': {'name': 'derived-' + o['metadata']['name'], 'namespace': ns,
                                               'creationTimestamp': TS},
                                  'spec': {'type': 'ClusterIP', 'ports': [{'port': p['port'], 'protocol': p.get('protocol', 'TCP')}
                                                                          for p in o['spec']['ports']]}})
    return bindings, member

def karmada_objs(docs):
    templates = [meta(d) for d in docs if d['kind'] not in ('PropagationPolicy', 'ClusterPropagationPolicy')]
    policies = [meta(d) for d in docs if d['kind'] in ('PropagationPolicy', 'ClusterPropagationPolicy')]
    return templates, policies

def cluster_obj(name):
    return {'apiVersion': 'cluster.karmada.io/v1alpha1', 'kind': 'Cluster',
            'metadata': {'name': name, 'creationTimestamp': TS},
            'spec': {'apiEndpoint': f'https://{name}-control-plane:6443', 'syncMode': 'Push'},
            'status': {'kubernetesVersion': 'v1.31.2',
                       'conditions': [{'type': 'Ready', 'status': 'True', 'reason': 'ClusterReady',
                                       'message': 'cluster is healthy and ready to accept workloads'}]}}

MCS_CRDS = []
for kind, plural in (('ServiceExport', 'serviceexports'), ('ServiceImport', 'serviceimports')):
    MCS_CRDS.append({'apiVersion': 'apiextensions.k8s.io/v1', 'kind': 'CustomResourceDefinition',
                     'metadata': {'name': f'{plural}.multicluster.x-k8s.io', 'creationTimestamp': TS},
                     'spec': {'group': 'multicluster.x-k8s.io', 'scope': 'Namespaced',
                              'names': {'kind': kind, 'listKind': kind + 'List', 'plural': plural, 'singular': kind.lower()},
                              'versions': [{'name': 'v1alpha1', 'served': True, 'storage': True,
                                            'schema': {'openAPIV3Schema': {'type': 'object',
                                                       'x-kubernetes-preserve-unknown-fields': True}}}]}})

def build(mutate=lambda s: None):
    docs = []
    for f in sorted(os.listdir(os.path.join(SOL, 'karmada'))):
        docs += load(os.path.join(SOL, 'karmada', f))
    s = {'docs': docs, 'hub_runbook': True, 'cidr': {'lab-04-hub': ['10.10.0.0/24'],
         'lab-04-member-a': ['10.20.0.0/24', '10.20.1.0/24'], 'lab-04-member-b': ['10.30.0.0/24', '10.30.1.0/24']},
         'drop_member': []}
    mutate(s)
    templates, policies = karmada_objs(s['docs'])
    templates = MCS_CRDS + templates
    bindings, member = federate(templates, policies)
    hub = hub_state(s['hub_runbook'], s['cidr']['lab-04-hub'])
    karmada = [cluster_obj(m) for m in MEMBERS] + templates + policies + bindings
    out = {'hub': hub, 'karmada': karmada}
    for m, short in zip(MEMBERS, ['member-a', 'member-b']):
        ns = [node(m, 'control-plane', s['cidr'][m][0]), node(m, 'worker', s['cidr'][m][1])]
        objs = [o for o in member[m] if (m, o['kind'], o['metadata']['name']) not in s['drop_member']]
        out[short] = ns + objs
    return out

def write(name, state, header):
    d = os.path.join(ROOT, 'examples', name)
    os.makedirs(d, exist_ok=True)
    for cluster, items in state.items():
        with open(os.path.join(d, cluster + '.yaml'), 'w') as f:
            f.write(f'# {header}\n# Cluster {cluster}: what `kubectl get ... -A -o yaml` prints for the kinds the rubric reads.\n')
            yaml.safe_dump({'apiVersion': 'v1', 'kind': 'List', 'items': items}, f, sort_keys=False, width=110)

def pp(s, name):
    return next(d for d in s['docs'] if d['kind'] in ('PropagationPolicy', 'ClusterPropagationPolicy') and d['metadata']['name'] == name)

write('reference', build(), 'Lab 4 example "reference": the solution applied (solution/install.sh).')

def wrong_member(s):
    pp(s, 'llm-serve')['spec']['placement']['clusterAffinity']['clusterNames'] = ['lab-04-member-a', 'kind-lab-04-member-b']
    pp(s, 'llm-serve')['spec']['placement']['replicaScheduling']['weightPreference']['staticWeightList'][1]['targetCluster']['clusterNames'] = ['kind-lab-04-member-b']
write('wrong-member', build(wrong_member), 'Lab 4 example "wrong-member": the llm-serve policy names the kubectl context kind-lab-04-member-b instead of the Karmada cluster lab-04-member-b.')

def overlap(s):
    s['cidr']['lab-04-member-a'] = ['10.244.0.0/24', '10.244.1.0/24']
    s['cidr']['lab-04-member-b'] = ['10.244.0.0/24', '10.244.1.0/24']
write('overlapping-pod-cidrs', build(overlap), 'Lab 4 example "overlapping-pod-cidrs": both members were created with kind\'s default pod subnet 10.244.0.0/16.')

def no_export(s):
    s['docs'] = [d for d in s['docs'] if d['kind'] != 'ServiceExport']
    pp(s, 'feature-server')['spec']['resourceSelectors'] = [x for x in pp(s, 'feature-server')['spec']['resourceSelectors'] if x['kind'] != 'ServiceExport']
write('no-service-export', build(no_export), 'Lab 4 example "no-service-export": feature-server runs in member A and is imported into member B, but nothing exports it.')

def config_typo(s):
    pp(s, 'replicated-config')['spec']['resourceSelectors'][0]['name'] = 'model-configs'
write('config-not-propagated', build(config_typo), 'Lab 4 example "config-not-propagated": the replicated-config policy selects model-configs (a typo), so model-config stays in Karmada.')

def no_runbook(s):
    s['hub_runbook'] = False
write('no-runbook', build(no_runbook), 'Lab 4 example "no-runbook": everything works, but the runbook was never published on the hub.')

def tolerate_all(s):
    pp(s, 'llm-serve')['spec']['placement']['clusterTolerations'] = [{'operator': 'Exists'}]
write('tolerates-every-taint', build(tolerate_all), 'Lab 4 example "tolerates-every-taint": the llm-serve policy tolerates every taint, so a drained member keeps its replicas.')

empty = {'hub': [], 'karmada': [], 'member-a': [], 'member-b': []}
write('empty', empty, 'Lab 4 example "empty": nothing done yet (four empty snapshots).')
