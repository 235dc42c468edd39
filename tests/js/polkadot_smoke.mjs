// Drives a Puhui node with the unmodified @polkadot/api client; prints one JSON object of findings.
// Usage: node polkadot_smoke.mjs ws://127.0.0.1:PORT    (run by tests/rpc/test_polkadot_js.py)
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const url = process.argv[2] || 'ws://127.0.0.1:9944';
const UNIT = 10n ** 12n;

function moduleError(api, dispatchError) {
  if (!dispatchError) return null;
  if (dispatchError.isModule) {
    const meta = api.registry.findMetaError(dispatchError.asModule);
    return `${meta.section}.${meta.name}`;
  }
  return dispatchError.toString();
}

// signAndSend, resolved at inBlock (or finalized, whichever the client reports first).
function sendAndWait(api, tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    let unsub = null;
    let done = false;
    const timer = setTimeout(() => reject(new Error('no inBlock/finalized status within 60 s')), 60000);
    const finish = (value, err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (unsub) unsub();
      err ? reject(err) : resolve(value);
    };
    tx.signAndSend(signer, options, (result) => {
      const { status, events, dispatchError } = result;
      if (status.isInBlock || status.isFinalized) {
        finish({
          status: status.type,
          blockHash: (status.isInBlock ? status.asInBlock : status.asFinalized).toHex(),
          events: events.map(({ event }) => `${event.section}.${event.method}`),
          success: !dispatchError,
          error: moduleError(api, dispatchError),
          txHash: tx.hash.toHex(),
        });
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish(null, new Error(`extrinsic ${status.type}`));
      }
    }).then((u) => { unsub = u; if (done) u(); }).catch((e) => finish(null, e));
  });
}

async function main() {
  await cryptoWaitReady();
  const provider = new WsProvider(url, false);
  await provider.connect();
  const api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
  const out = { chain: (await api.rpc.system.chain()).toString(), runtime: api.runtimeVersion.specName.toString() };
  out.ss58 = api.registry.chainSS58;
  out.decimals = api.registry.chainDecimals[0];
  out.symbol = api.registry.chainTokens[0];
  out.pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());

  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const edKey = keyring.addFromUri('//PolkadotJsEd', {}, 'ed25519');

  const before = await api.query.system.account(bob.address);
  out.bobFreeBefore = before.data.free.toString();
  out.aliceNonceBefore = (await api.query.system.account(alice.address)).nonce.toNumber();

  // fee query through TransactionPaymentApi (state_call)
  const transfer = api.tx.balances.transferKeepAlive(bob.address, 5n * UNIT);
  out.partialFee = (await transfer.paymentInfo(alice)).partialFee.toString();

  // sr25519, default options (a mortal era)
  out.sr25519 = await sendAndWait(api, transfer, alice);
  out.bobFreeAfter = (await api.query.system.account(bob.address)).data.free.toString();
  // fund an ed25519 account, then let it sign (immortal this time)
  out.fundEd = await sendAndWait(api, api.tx.balances.transferKeepAlive(edKey.address, 100n * UNIT), alice);
  out.ed25519 = await sendAndWait(api, api.tx.balances.transferKeepAlive(bob.address, 1n * UNIT), edKey, { era: 0 });
  // a failing call names its module error
  out.failing = await sendAndWait(api, api.tx.balances.transferKeepAlive(bob.address, 10n ** 30n), alice);

  // read a block and its events
  const hash = out.sr25519.blockHash;
  const signed = await api.rpc.chain.getBlock(hash);
  out.block = {
    number: signed.block.header.number.toNumber(),
    hash: signed.block.header.hash.toHex(),
    extrinsics: signed.block.extrinsics.map((x) => `${x.method.section}.${x.method.method}`),
  };
  const apiAt = await api.at(hash);
  const events = await apiAt.query.system.events();
  out.blockEvents = events.map(({ event, phase }) => ({
    name: `${event.section}.${event.method}`,
    phase: phase.isApplyExtrinsic ? phase.asApplyExtrinsic.toNumber() : phase.type,
  }));
  const transferEvent = events.find(({ event }) => event.section === 'balances' && event.method === 'Transfer');
  out.transferAmount = transferEvent ? transferEvent.event.data[2].toString() : null;

  // one new-heads notification
  out.newHead = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no new head')), 20000);
    api.rpc.chain.subscribeNewHeads((h) => { clearTimeout(t); resolve(h.number.toNumber()); })
      .then((unsub) => setTimeout(unsub, 0)).catch(reject);
  });
  out.health = (await api.rpc.system.health()).toJSON();
  await api.disconnect();
  console.log(JSON.stringify(out));
}

main().then(() => process.exit(0)).catch((e) => {
  console.error(`polkadot.js smoke failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
