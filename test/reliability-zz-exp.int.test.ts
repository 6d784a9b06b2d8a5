import { Client, Events, GatewayIntentBits } from "discord.js";
import { it } from "vitest";
import { startDiscordEmulator } from "/work/main/test/support/discord-emulator.js";

it("4014 at login", async () => {
  const emulator = await startDiscordEmulator({ privilegedIntents: 0 });
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent], rest: { api: emulator.apiUrl } });
  client.on(Events.ShardDisconnect, (e, id) => console.log("disconnect", e.code));
  client.on(Events.ShardError, (e) => console.log("sharderror", e.message));
  client.on(Events.Error, (e) => console.log("error", e.message));
  const t = Date.now();
  const r = await Promise.race([client.login(emulator.token).then(() => "resolved", (e) => "rejected " + e.message), new Promise((r) => setTimeout(() => r("timeout"), 4000))]);
  console.log("login:", r, Date.now() - t);
  await client.destroy(); await emulator.close();
}, 20000);

it("4004 mid-session", async () => {
  const emulator = await startDiscordEmulator();
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: emulator.apiUrl } });
  client.on(Events.ShardDisconnect, (e, id) => console.log("disconnect", e.code));
  client.on(Events.ShardError, (e) => console.log("sharderror", e.message));
  const ready = new Promise((r) => client.once(Events.ClientReady, r));
  await client.login(emulator.token); await ready;
  let t = Date.now();
  emulator.dropGateway();
  await emulator.waitUntil(() => emulator.gatewayState().resumeCount === 1, 15000);
  console.log("drop resumed in", Date.now() - t);
  t = Date.now();
  emulator.closeGateway(4000);
  await emulator.waitUntil(() => emulator.gatewayState().resumeCount === 2, 15000);
  console.log("4000 resumed in", Date.now() - t);
  t = Date.now();
  emulator.closeGateway(4009);
  await emulator.waitUntil(() => emulator.gatewayState().identifyCount === 2 && emulator.gatewayState().connected, 15000);
  console.log("4009 reidentified in", Date.now() - t, emulator.gatewayState());
  emulator.closeGateway(4004);
  await new Promise((r) => setTimeout(r, 2000));
  console.log(emulator.gatewayState(), client.ws.status);
  await client.destroy(); await emulator.close();
}, 60000);
