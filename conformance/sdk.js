"use strict";
// The AWS SDK for JavaScript v3 against the emulator: every participant operation,
// every modeled error the emulator produces, and the GetTranscript paginator.
// Usage: node sdk.js '{"endpoint": "http://127.0.0.1:PORT"}'
const { ConnectClient, StartChatContactCommand } = require("@aws-sdk/client-connect");
const cp = require("@aws-sdk/client-connectparticipant");
const { options, control, reporter, assert, equal } = require("./lib/harness");

const EVENT = "application/vnd.amazonaws.connect.event.";

async function main() {
  const { endpoint } = options();
  const emu = control(endpoint);
  const { report, check, done } = reporter();
  const health = await emu.call("GET", "health");
  const region = health.region;
  // Any SigV4 credentials: the emulator checks that a request is signed, not the key.
  const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "conformance" };
  const connect = new ConnectClient({ region, endpoint, credentials, maxAttempts: 1 });
  // chatjs's own client settings: empty credentials, the bearer header does the work.
  const participant = new cp.ConnectParticipantClient({
    region,
    endpoint,
    credentials: { accessKeyId: "", secretAccessKey: "" },
    maxAttempts: 1,
  });

  async function startChat(displayName) {
    return connect.send(
      new StartChatContactCommand({
        InstanceId: health.instance_id,
        ContactFlowId: health.contact_flow_id,
        ParticipantDetails: { DisplayName: displayName },
      }),
    );
  }

  async function connectCustomer(started) {
    const answer = await participant.send(
      new cp.CreateParticipantConnectionCommand({
        ParticipantToken: started.ParticipantToken,
        Type: ["WEBSOCKET", "CONNECTION_CREDENTIALS"],
        ConnectParticipant: true,
      }),
    );
    return answer.ConnectionCredentials.ConnectionToken;
  }

  async function expectError(name, expected, status, call) {
    return check(name, async () => {
      let caught = null;
      try {
        await call();
      } catch (error) {
        caught = error;
      }
      assert(caught !== null, `${expected} expected, the call succeeded`);
      equal(caught.name, expected, "error name");
      assert(typeof cp[expected] === "function", `the SDK has no ${expected} class`);
      assert(caught instanceof cp[expected], `not an instance of the SDK's ${expected}`);
      equal(caught.$metadata.httpStatusCode, status, "HTTP status");
      assert(typeof caught.message === "string" && caught.message.length > 0, "no message");
      return { name: caught.name, status: caught.$metadata.httpStatusCode };
    });
  }

  let started;
  let token;
  await check("StartChatContact", async () => {
    started = await startChat("SDK Customer");
    assert(started.ContactId && started.ParticipantId && started.ParticipantToken, "ids missing");
    return { ContactId: started.ContactId };
  });
  await check("CreateParticipantConnection", async () => {
    const answer = await participant.send(
      new cp.CreateParticipantConnectionCommand({
        ParticipantToken: started.ParticipantToken,
        Type: ["WEBSOCKET", "CONNECTION_CREDENTIALS"],
        ConnectParticipant: true,
      }),
    );
    token = answer.ConnectionCredentials.ConnectionToken;
    assert(answer.Websocket.Url.startsWith("ws://127.0.0.1:"), "websocket url");
    assert(answer.ConnectionCredentials.Expiry, "expiry");
    assert(answer.Websocket.ConnectionExpiry, "websocket expiry");
  });
  const agent = await emu.addAgent(started.ContactId);
  let sentId;
  await check("SendMessage", async () => {
    const answer = await participant.send(
      new cp.SendMessageCommand({ ConnectionToken: token, ContentType: "text/plain", Content: "Hello from the JS SDK" }),
    );
    assert(answer.Id && answer.AbsoluteTime, "Id and AbsoluteTime");
    sentId = answer.Id;
    return { hasMetadata: answer.MessageMetadata !== undefined };
  });
  await check("SendEvent", async () => {
    const typing = await participant.send(
      new cp.SendEventCommand({ ConnectionToken: token, ContentType: EVENT + "typing" }),
    );
    assert(typing.Id && typing.AbsoluteTime, "typing answer");
    const agentMessage = await emu.say(started.ContactId, agent.ParticipantId, "Hi, how can I help?");
    const read = await participant.send(
      new cp.SendEventCommand({
        ConnectionToken: token,
        ContentType: EVENT + "message.read",
        Content: JSON.stringify({ messageId: agentMessage.Id }),
      }),
    );
    assert(read.Id, "receipt answer");
  });
  await check("GetTranscript", async () => {
    const answer = await participant.send(
      new cp.GetTranscriptCommand({ ConnectionToken: token, ScanDirection: "BACKWARD", SortOrder: "ASCENDING" }),
    );
    equal(answer.InitialContactId, started.ContactId, "InitialContactId");
    const mine = answer.Transcript.find((item) => item.Id === sentId);
    assert(mine, "own message in the transcript");
    equal(mine.Content, "Hello from the JS SDK", "content");
    equal(mine.ParticipantRole, "CUSTOMER", "role");
    assert(mine.AbsoluteTime && typeof mine.AbsoluteTime === "string", "AbsoluteTime is a string");
    return { items: answer.Transcript.length };
  });
  await check("GetTranscript paginator", async () => {
    for (let n = 0; n < 12; n += 1) {
      await participant.send(
        new cp.SendMessageCommand({ ConnectionToken: token, ContentType: "text/plain", Content: `page ${n}` }),
      );
    }
    const everything = (await emu.transcript(started.ContactId)).map((item) => item.Id);
    const seen = [];
    let pages = 0;
    const paginator = cp.paginateGetTranscript(
      { client: participant, pageSize: 5 },
      { ConnectionToken: token, SortOrder: "ASCENDING", ScanDirection: "BACKWARD" },
    );
    for await (const page of paginator) {
      pages += 1;
      assert(page.Transcript.length <= 5, "page larger than pageSize");
      for (const item of page.Transcript) {
        seen.push(item.Id);
      }
    }
    assert(pages >= 4, `only ${pages} pages`);
    equal(new Set(seen).size, seen.length, "no item twice");
    equal([...seen].sort(), [...everything].sort(), "every kept item once");
    return { pages, items: seen.length };
  });
  const body = Buffer.from("conformance attachment\n");
  let attachmentId;
  let upload;
  await check("StartAttachmentUpload", async () => {
    upload = await participant.send(
      new cp.StartAttachmentUploadCommand({
        ConnectionToken: token,
        ContentType: "text/plain",
        AttachmentSizeInBytes: body.length,
        AttachmentName: "notes.txt",
      }),
    );
    attachmentId = upload.AttachmentId;
    assert(attachmentId, "AttachmentId");
    assert(upload.UploadMetadata.Url && upload.UploadMetadata.HeadersToInclude, "UploadMetadata");
    const put = await fetch(upload.UploadMetadata.Url, {
      method: "PUT",
      headers: upload.UploadMetadata.HeadersToInclude,
      body,
    });
    equal(put.status, 200, "PUT status");
  });
  await check("CompleteAttachmentUpload", async () => {
    const answer = await participant.send(
      new cp.CompleteAttachmentUploadCommand({ ConnectionToken: token, AttachmentIds: [attachmentId] }),
    );
    equal(answer.$metadata.httpStatusCode, 200, "status");
  });
  await check("GetAttachment", async () => {
    const answer = await participant.send(
      new cp.GetAttachmentCommand({ ConnectionToken: token, AttachmentId: attachmentId, UrlExpiryInSeconds: 60 }),
    );
    assert(answer.Url && answer.UrlExpiry, "Url and UrlExpiry");
    equal(answer.AttachmentSizeInBytes, body.length, "size");
    const download = await fetch(answer.Url);
    equal(Buffer.from(await download.arrayBuffer()).toString(), body.toString(), "downloaded bytes");
  });
  await check("DescribeView", async () => {
    const view = {
      Id: "view-1",
      Arn: "arn:aws:connect:us-east-1:123456789012:instance/x/view/view-1",
      Name: "Form",
      Version: 1,
      Content: { InputSchema: "{}", Template: "{}", Actions: ["Submit"] },
    };
    await emu.call("PUT", "views/view-token-1", view);
    const answer = await participant.send(
      new cp.DescribeViewCommand({ ConnectionToken: token, ViewToken: "view-token-1" }),
    );
    equal(answer.View.Name, "Form", "view name");
    equal(answer.View.Content.Actions, ["Submit"], "view actions");
  });
  let sessionId;
  await check("GetAuthenticationUrl", async () => {
    sessionId = (await emu.call("POST", `contacts/${started.ContactId}/authentication`)).SessionId;
    const answer = await participant.send(
      new cp.GetAuthenticationUrlCommand({
        ConnectionToken: token,
        SessionId: sessionId,
        RedirectUri: "https://example.com/back",
      }),
    );
    assert(answer.AuthenticationUrl, "AuthenticationUrl");
  });
  await check("CancelParticipantAuthentication", async () => {
    const answer = await participant.send(
      new cp.CancelParticipantAuthenticationCommand({ ConnectionToken: token, SessionId: sessionId }),
    );
    equal(answer.$metadata.httpStatusCode, 200, "status");
  });

  // Modeled errors, each as the SDK's own exception class.
  await expectError("AccessDeniedException", "AccessDeniedException", 403, () =>
    participant.send(new cp.SendMessageCommand({ ConnectionToken: "not-a-token", ContentType: "text/plain", Content: "x" })),
  );
  await expectError("ValidationException", "ValidationException", 400, () =>
    participant.send(new cp.SendMessageCommand({ ConnectionToken: token, ContentType: "text/x-unknown", Content: "x" })),
  );
  await emu.fault({ kind: "THROTTLE", operation: "SendMessage", count: 1 });
  await expectError("ThrottlingException", "ThrottlingException", 429, () =>
    participant.send(new cp.SendMessageCommand({ ConnectionToken: token, ContentType: "text/plain", Content: "x" })),
  );
  await emu.config({ attachments_per_contact: 1 });
  await expectError("ServiceQuotaExceededException", "ServiceQuotaExceededException", 402, () =>
    participant.send(
      new cp.StartAttachmentUploadCommand({
        ConnectionToken: token,
        ContentType: "text/plain",
        AttachmentSizeInBytes: 1,
        AttachmentName: "more.txt",
      }),
    ),
  );
  await emu.config({ attachments_per_contact: 100 });
  await expectError("ConflictException", "ConflictException", 409, () =>
    participant.send(new cp.CompleteAttachmentUploadCommand({ ConnectionToken: token, AttachmentIds: [attachmentId] })),
  );
  await expectError("ResourceNotFoundException", "ResourceNotFoundException", 404, () =>
    participant.send(new cp.DescribeViewCommand({ ConnectionToken: token, ViewToken: "no-such-view" })),
  );
  await emu.fault({ kind: "INTERNAL_ERROR", operation: "GetTranscript", count: 1 });
  await expectError("InternalServerException", "InternalServerException", 500, () =>
    participant.send(new cp.GetTranscriptCommand({ ConnectionToken: token })),
  );
  await check("SDK retries a throttled call", async () => {
    const retrying = new cp.ConnectParticipantClient({
      region,
      endpoint,
      credentials: { accessKeyId: "", secretAccessKey: "" },
      maxAttempts: 3,
    });
    await emu.fault({ kind: "THROTTLE", operation: "SendMessage", count: 1 });
    const answer = await retrying.send(
      new cp.SendMessageCommand({ ConnectionToken: token, ContentType: "text/plain", Content: "after a retry" }),
    );
    equal(answer.$metadata.attempts, 2, "attempts");
  });
  await check("DisconnectParticipant", async () => {
    const answer = await participant.send(new cp.DisconnectParticipantCommand({ ConnectionToken: token }));
    equal(answer.$metadata.httpStatusCode, 200, "status");
    const people = await emu.participants(started.ContactId);
    const customer = people.find((p) => p.ParticipantId === started.ParticipantId);
    assert(customer && customer.Active === false, `customer still active: ${JSON.stringify(customer)}`);
  });
  await expectError("AccessDeniedException after DisconnectParticipant", "AccessDeniedException", 403, () =>
    participant.send(new cp.SendMessageCommand({ ConnectionToken: token, ContentType: "text/plain", Content: "x" })),
  );
  await emu.clearFaults();
  done();
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error) + "\n");
  process.exit(1);
});
