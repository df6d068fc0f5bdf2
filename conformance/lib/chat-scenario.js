// A whole customer chat through amazon-connect-chatjs, shared by the Node run
// (chatjs-node.js) and the browser page (browser/page.html). Works in both: it only
// uses `connect` (chatjs), fetch, File/Blob and the harness passed in.
(function (root) {
  "use strict";

  const EVENT = "application/vnd.amazonaws.connect.event.";

  async function runChatScenario(env) {
    const { connect, endpoint, control, check, report, render, makeFile, sleep } = env;
    const health = await control.call("GET", "health");
    connect.ChatSession.setGlobalConfig({
      region: health.region,
      endpoint,
      // Receipts are throttled by chatjs (5 s by default): keep the run short.
      throttleTime: 100,
      loggerConfig: env.loggerConfig,
    });
    const started = await control.call("POST", "chats", { display_name: "Web Customer" });
    const contact = started.ContactId;
    // chatjs reports the connection established before its aws/subscribe frame is answered,
    // and the service (like the emulator) pushes only to subscribed sockets: the agent's side
    // waits for the subscription, as a real agent would only be routed after it.
    const subscriptions = async () =>
      (await control.call("GET", "frames")).filter(
        (frame) => frame.direction === "out" && frame.text.includes('"aws/subscribe"') && frame.text.includes('"success"'),
      ).length;
    const seen = { messages: new Map(), typing: [], read: [], delivered: [], established: 0, lost: 0, ended: 0, events: [] };

    const session = connect.ChatSession.create({
      chatDetails: {
        ContactId: started.ContactId,
        ParticipantId: started.ParticipantId,
        ParticipantToken: started.ParticipantToken,
      },
      options: { region: health.region },
      type: connect.ChatSession.SessionTypes.CUSTOMER,
      disableCSM: true,
    });
    session.onMessage((event) => {
      const item = event.data;
      seen.events.push(item.ContentType || item.Type);
      if (item.Type === "MESSAGE" || item.Type === "ATTACHMENT") {
        seen.messages.set(item.Id, item);
      }
      render("message", item);
    });
    session.onTyping((event) => {
      seen.typing.push(event.data);
      render("typing", event.data);
    });
    session.onReadReceipt((event) => {
      seen.read.push(event.data);
      render("read", event.data);
    });
    session.onDeliveredReceipt((event) => {
      seen.delivered.push(event.data);
      render("delivered", event.data);
    });
    session.onConnectionEstablished(() => {
      seen.established += 1;
      render("connection", { state: "established" });
    });
    session.onConnectionLost(() => {
      seen.lost += 1;
      render("connection", { state: "lost" });
    });
    session.onEnded(() => {
      seen.ended += 1;
      render("ended", {});
    });

    // The predicate may be async (the subscription count asks the emulator): await it, or a
    // pending promise (always truthy) would end the wait at once.
    const until = async (predicate, what, timeoutMs = 10000) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await predicate())) {
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${what}`);
        }
        await sleep(25);
      }
    };
    const byContent = (text) => [...seen.messages.values()].find((item) => item.Content === text);

    let agent;
    await check("chatjs connect", async () => {
      const answer = await session.connect();
      if (!answer || answer.connectSuccess !== true) {
        throw new Error(`connect: ${JSON.stringify(answer)}`);
      }
      await until(() => seen.established >= 1, "onConnectionEstablished");
      await until(async () => (await subscriptions()) >= 1, "the socket's subscription");
      agent = await control.call("POST", `contacts/${contact}/participants`, { role: "AGENT", display_name: "Agent" });
      await until(() => seen.events.includes(EVENT + "participant.joined"), "participant.joined");
    });
    await check("chatjs send message", async () => {
      const answer = await session.sendMessage({ contentType: "text/plain", message: "Hello, I need help" });
      const id = answer.data.Id;
      await until(() => seen.messages.has(id), "own message echoed on the socket");
      const item = seen.messages.get(id);
      if (item.ParticipantRole !== "CUSTOMER" || item.Content !== "Hello, I need help") {
        throw new Error(`echo: ${JSON.stringify(item)}`);
      }
      return { id };
    });
    let agentMessageId;
    await check("chatjs receive message", async () => {
      agentMessageId = (await control.call("POST", `contacts/${contact}/messages`, {
        participant_id: agent.ParticipantId,
        content: "Hi! Agent here.",
      })).Id;
      await until(() => seen.messages.has(agentMessageId), "agent message");
      const item = seen.messages.get(agentMessageId);
      if (item.ParticipantRole !== "AGENT" || item.DisplayName !== "Agent") {
        throw new Error(`agent item: ${JSON.stringify(item)}`);
      }
    });
    await check("chatjs typing", async () => {
      await session.sendEvent({ contentType: EVENT + "typing" });
      await control.call("POST", `contacts/${contact}/events`, {
        participant_id: agent.ParticipantId,
        content_type: EVENT + "typing",
      });
      await until(() => seen.typing.some((item) => item.ParticipantRole === "AGENT"), "agent typing");
      const kept = await control.call("GET", `contacts/${contact}/transcript`);
      if (kept.some((item) => item.ContentType === EVENT + "typing")) {
        throw new Error("typing kept in the transcript");
      }
    });
    await check("chatjs read receipts", async () => {
      const sendEvents = async () =>
        (await control.call("GET", "requests")).filter((r) => r.operation === "SendEvent" && r.status === 200).length;
      const before = await sendEvents();
      await session.sendEvent({
        contentType: EVENT + "message.read",
        content: JSON.stringify({ messageId: agentMessageId }),
      });
      const ownId = byContent("Hello, I need help").Id;
      await control.call("POST", `contacts/${contact}/events`, {
        participant_id: agent.ParticipantId,
        content_type: EVENT + "message.read",
        content: JSON.stringify({ messageId: ownId }),
      });
      await until(
        () => seen.read.some((item) => item.MessageMetadata && item.MessageMetadata.MessageId === ownId),
        "the agent's read receipt for the customer's message",
      );
      // chatjs sends the customer's receipt after its throttle: the service must have taken it.
      const deadline = Date.now() + 5000;
      while ((await sendEvents()) <= before) {
        if (Date.now() > deadline) {
          throw new Error("the customer's read receipt never reached SendEvent");
        }
        await sleep(50);
      }
    });
    await check("chatjs attachment upload", async () => {
      // The scan takes a moment, as on the service: its result must come on the socket.
      await control.call("PATCH", "config", { scan_delay: 0.3 });
      const file = makeFile("notes.txt", "attachment from chatjs\n");
      await session.sendAttachment({ attachment: file });
      await until(
        () => [...seen.messages.values()].some((item) => item.Type === "ATTACHMENT" && item.Attachments && item.Attachments[0].AttachmentName === "notes.txt"),
        "ATTACHMENT item",
      );
    });
    await check("chatjs attachment scan result pushed", async () => {
      await until(
        () => [...seen.messages.values()].some((item) => item.Type === "ATTACHMENT" && item.Attachments[0].Status === "APPROVED"),
        "ATTACHMENT item with Status APPROVED",
        5000,
      );
    });
    await check("chatjs attachment download", async () => {
      const item = [...seen.messages.values()].find((candidate) => candidate.Type === "ATTACHMENT");
      const blob = await session.downloadAttachment({ attachmentId: item.Attachments[0].AttachmentId });
      const text = await blob.text();
      if (text !== "attachment from chatjs\n") {
        throw new Error(`downloaded ${JSON.stringify(text)}`);
      }
    });
    await check("chatjs streamed bot message shows the whole text", async () => {
      const chunks = ["Let me ", "look that ", "up for you."];
      const id = (await control.call("POST", `contacts/${contact}/bot-messages`, { chunks })).Id;
      await until(() => {
        const item = seen.messages.get(id);
        return item && item.MessageMetadata && item.MessageMetadata.MessageCompleted === true;
      }, "completed bot message");
      const shown = seen.messages.get(id).Content;
      if (shown !== chunks.join("")) {
        throw new Error(`chatjs shows ${JSON.stringify(shown)} instead of ${JSON.stringify(chunks.join(""))}`);
      }
      render("bot-final", { Id: id, Content: shown });
    });
    await check("chatjs reconnect after a dropped socket", async () => {
      const before = seen.established;
      const subscribedBefore = await subscriptions();
      await control.call("POST", "faults", { kind: "DROP_WEBSOCKET" });
      await until(() => seen.established > before, "onConnectionEstablished after the drop", 15000);
      await until(async () => (await subscriptions()) > subscribedBefore, "the new socket's subscription");
      const id = (await control.call("POST", `contacts/${contact}/messages`, {
        participant_id: agent.ParticipantId,
        content: "Still there?",
      })).Id;
      await until(() => seen.messages.has(id), "a message after the reconnect");
      return { lost: seen.lost, established: seen.established };
    });
    await check("chatjs getTranscript", async () => {
      const answer = await session.getTranscript({ scanDirection: "BACKWARD", sortOrder: "ASCENDING", maxResults: 100 });
      const contents = answer.data.Transcript.map((item) => item.Content);
      for (const expected of ["Hello, I need help", "Hi! Agent here.", "Still there?"]) {
        if (!contents.includes(expected)) {
          throw new Error(`transcript lacks ${expected}`);
        }
      }
    });
    await check("chatjs chat end", async () => {
      await control.call("POST", `contacts/${contact}/end`);
      await until(() => seen.ended >= 1, "onEnded");
      if (!seen.events.includes(EVENT + "chat.ended")) {
        throw new Error("no chat.ended event");
      }
    });
    report("summary", true, { events: seen.events.length, messages: seen.messages.size });
    return seen;
  }

  root.runChatScenario = runChatScenario;
  if (typeof module !== "undefined" && module.exports) {
    module.exports = { runChatScenario };
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
