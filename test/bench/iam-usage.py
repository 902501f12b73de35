#!/usr/bin/env python3
"""Which statements of the principals the local run plays did the end-to-end suite use?

Reads the policy export (local/target/classes/local/iam-policies.json) and every run's
iam-usage.json (test/target/e2e/*/logs/, written by the IAM gateway at stop) after `mvn verify`,
and prints, per principal, each statement: how many calls it allowed, its actions, and whether
another statement of the same principal grants one of its actions too (then taking it away
alone might refuse nothing). Every end-to-end class fails on any refused call, so a statement
used here and granted by no other statement is one whose removal fails a test.

Usage: python3 test/bench/iam-usage.py [ROOT]
"""
import glob
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else '.'
export = json.load(open(os.path.join(root, 'local/target/classes/local/iam-policies.json')))
usage = {}
runs = sorted(glob.glob(os.path.join(root, 'test/target/e2e/*/logs/iam-usage.json')))
for f in runs:
    for k, v in json.load(open(f)).items():
        usage[k] = usage.get(k, 0) + v
local = ['function:' + h for h in [
    'dev.refarch.realtime.rotator.MovieRotatorHandler::handleRequest',
    'dev.refarch.realtime.producer.TickProducerHandler::handleRequest',
    'dev.refarch.realtime.producer.TopicProvisionerHandler::handleRequest',
    'dev.refarch.realtime.consumer.TickConsumerHandler::handleRequest',
    'dev.refarch.realtime.broadcaster.ReviewBroadcasterHandler::handleRequest']]
local += [p for p in export['principals'] if p.startswith('dataSource:') or p.startswith('managedPolicy:')]
served = ('dynamodb:', 'sqs:', 's3:', 'secretsmanager:', 'appsync:', 'kms:')
print(f'{len(runs)} runs: ' + ', '.join(f.split('/')[-3] for f in runs))
unused = 0
for principal in local:
    role = export['roles'][export['principals'][principal]]
    statements = [s for p in role['policies'] for s in p['statements']]
    print(principal)
    for s in statements:
        actions = s.get('action', s.get('notAction', []))
        others = [o['id'] for o in statements if o is not s
                  and set(a.lower() for a in o.get('action', [])) & set(a.lower() for a in actions)]
        local_service = any(a.startswith(served) for a in actions)
        count = usage.get(s['id'], 0)
        if local_service and count == 0:
            unused += 1
        mark = 'used' if count else ('UNUSED' if local_service else 'not served locally')
        print(f"  {mark:18} {count:7}  {s['id'].split('/')[-1]:28} {','.join(actions)}"
              + (f"  (also granted by {', '.join(others)})" if others else ''))
print(f'{unused} statement(s) for locally served services allowed no call')
