/**
 * Browser side of the SFU tests, as source text so it runs unchanged in every page: a publisher
 * of the fake camera (simulcast h/l) and microphone whose offer and answer the test passes to the
 * SFU. Pages add their own functions after it.
 */
export const PUBLISHER_SCRIPT = `
async function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise((resolve) => {
    const t = setTimeout(resolve, 3000);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
    });
  });
}
window.publishOffer = async () => {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, frameRate: 30 }, audio: true });
  const pc = new RTCPeerConnection({ iceServers: [] });
  window.pc = pc;
  pc.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', sendEncodings: [{ rid: 'h' }, { rid: 'l', scaleResolutionDownBy: 2 }] });
  pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.publishAnswer = (sdp) => window.pc.setRemoteDescription({ type: 'answer', sdp });
`;
