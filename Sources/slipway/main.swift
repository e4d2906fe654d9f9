import Hummingbird
import SlipwayServer
print("slipway")
